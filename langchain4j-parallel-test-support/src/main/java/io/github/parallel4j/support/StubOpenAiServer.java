package io.github.parallel4j.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A minimal OpenAI-compatible chat completions server on 127.0.0.1: each request's JSON body goes to a script
 * that returns the assistant message to answer with. Records every request body.
 */
public final class StubOpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());

    public StubOpenAiServer(Function<JsonNode, ObjectNode> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> handle(exchange, script));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange, Function<JsonNode, ObjectNode> script) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(body);
            ObjectNode message = script.apply(body);
            ObjectNode response = JSON.createObjectNode();
            response.put("id", "chatcmpl-" + requests.size());
            response.put("object", "chat.completion");
            response.put("created", 1_700_000_000L);
            response.put("model", body.path("model").asText("stub"));
            ObjectNode choice = response.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("message", message);
            choice.put("finish_reason", message.has("tool_calls") ? "tool_calls" : "stop");
            ObjectNode usage = response.putObject("usage");
            usage.put("prompt_tokens", 10);
            usage.put("completion_tokens", 5);
            usage.put("total_tokens", 15);
            byte[] bytes = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (RuntimeException e) {
            byte[] bytes = ("{\"error\":{\"message\":\"" + e.getMessage() + "\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** An assistant message asking for tool calls: each element is {id, name, arguments}. */
    public static ObjectNode toolCalls(String[]... calls) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        message.putNull("content");
        ArrayNode toolCalls = message.putArray("tool_calls");
        for (String[] call : calls) {
            ObjectNode c = toolCalls.addObject();
            c.put("id", call[0]);
            c.put("type", "function");
            ObjectNode function = c.putObject("function");
            function.put("name", call[1]);
            function.put("arguments", call[2]);
        }
        return message;
    }

    /** An assistant message with text. */
    public static ObjectNode text(String content) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        message.put("content", content);
        return message;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
