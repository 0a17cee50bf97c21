package io.github.parallel4j.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A chat model that answers from a script: each step sees the request and returns the next AI message. Records
 * every request it received.
 */
public final class ScriptedChatModel implements ChatModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Function<ChatRequest, AiMessage>> steps;
    private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private int next;

    @SafeVarargs
    public ScriptedChatModel(Function<ChatRequest, AiMessage>... steps) {
        this.steps = List.of(steps);
    }

    /** A model that asks for the given calls, then answers with the tool results' texts joined. */
    public static ScriptedChatModel callsThenSummary(List<ToolExecutionRequest> calls) {
        return new ScriptedChatModel(
                request -> AiMessage.from(calls),
                request -> AiMessage.from(String.join("\n", toolResults(request))));
    }

    public static ToolExecutionRequest call(String id, String name, String arguments) {
        return ToolExecutionRequest.builder().id(id).name(name).arguments(arguments).build();
    }

    public static List<String> toolResults(ChatRequest request) {
        List<String> texts = new ArrayList<>();
        for (ChatMessage message : request.messages()) {
            if (message instanceof ToolExecutionResultMessage result) {
                texts.add(result.text());
            }
        }
        return texts;
    }

    /** The tool results of the last request, parsed as the JSON observations they are. */
    public List<JsonNode> observations() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String text : toolResults(lastRequest())) {
            try {
                nodes.add(JSON.readTree(text));
            } catch (JsonProcessingException e) {
                throw new AssertionError("not a JSON observation: " + text, e);
            }
        }
        return nodes;
    }

    public static List<ToolExecutionResultMessage> toolResultMessages(ChatRequest request) {
        List<ToolExecutionResultMessage> results = new ArrayList<>();
        for (ChatMessage message : request.messages()) {
            if (message instanceof ToolExecutionResultMessage result) {
                results.add(result);
            }
        }
        return results;
    }

    @Override
    public synchronized ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        if (next >= steps.size()) {
            throw new IllegalStateException("The script has no step " + (next + 1));
        }
        return ChatResponse.builder().aiMessage(steps.get(next++).apply(request)).build();
    }

    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    public ChatRequest lastRequest() {
        return requests.get(requests.size() - 1);
    }
}
