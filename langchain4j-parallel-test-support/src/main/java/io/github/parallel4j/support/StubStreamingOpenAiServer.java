package io.github.parallel4j.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * A minimal OpenAI-compatible streaming chat completions server on 127.0.0.1: each request's JSON body goes to a
 * script that says what to stream back (server-sent events, as the real API sends them) and whether to drop the
 * connection instead of ending the stream. Records every request body.
 */
public final class StubStreamingOpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to stream for one request.
     *
     * @param chunks the {@code chat.completion.chunk} objects, in order
     * @param beforeDrop if not null, run after the chunks are sent; then the connection is dropped mid-body
     * @param beforeChunk run with each chunk's position before that chunk is sent: a test streams slowly by waiting
     *     there (for a latch, never for a time)
     */
    public record Reply(List<ObjectNode> chunks, Runnable beforeDrop, IntConsumer beforeChunk) {

        public Reply(List<ObjectNode> chunks, Runnable beforeDrop) {
            this(chunks, beforeDrop, i -> {});
        }
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());

    public StubStreamingOpenAiServer(Function<JsonNode, Reply> script) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread handler = new Thread(() -> handle(connection, script), "stub-openai-stream");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "stub-openai-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** One request per connection; the answer is chunked, so that a drop is a body cut short. */
    private void handle(Socket connection, Function<JsonNode, Reply> script) {
        try (connection) {
            InputStream in = connection.getInputStream();
            int length = 0;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            JsonNode body = JSON.readTree(in.readNBytes(length));
            requests.add(body);
            Reply reply = script.apply(body);
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < reply.chunks().size(); i++) {
                reply.beforeChunk().accept(i);
                writeChunk(out, "data: " + JSON.writeValueAsString(reply.chunks().get(i)) + "\n\n");
            }
            if (reply.beforeDrop() != null) {
                reply.beforeDrop().run();
                connection.setSoLinger(true, 0); // reset the connection: the body ends without its last chunk
                return;
            }
            writeChunk(out, "data: [DONE]\n\n");
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static void writeChunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** A chunk that streams one complete tool call at {@code index}. */
    public static ObjectNode toolCallChunk(int index, String id, String name, String arguments) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("role", "assistant");
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", index);
        call.put("id", id);
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return chunk(delta, null);
    }

    /** The chunk that ends a message with no content of its own, such as {@code "tool_calls"}. */
    public static ObjectNode finishChunk(String finishReason) {
        ObjectNode delta = JSON.createObjectNode();
        return chunk(delta, finishReason);
    }

    /** A chunk of text, ending the message when {@code last}. */
    public static ObjectNode textChunk(String text, boolean last) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("role", "assistant");
        delta.put("content", text);
        return chunk(delta, last ? "stop" : null);
    }

    private static ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-stub");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1_700_000_000L);
        chunk.put("model", "gpt-4o-mini");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
