package io.github.parallel4j.samples.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tools answered so far in a conversation, read the way a model reads it: from the tool result messages,
 * whether they are langchain4j-parallel's JSON envelopes ({@code {"ok":true,"result":...}}) or LangChain4j's plain
 * tool texts.
 */
final class TriageFindings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(String tool, JsonNode value) {}

    private final List<Result> results = new ArrayList<>();

    TriageFindings(List<ChatMessage> messages) {
        for (ChatMessage message : messages) {
            if (message instanceof ToolExecutionResultMessage result) {
                results.add(new Result(result.toolName(), unwrap(result.text())));
            }
        }
    }

    /** @return whether any tool has answered yet */
    boolean any() {
        return !results.isEmpty();
    }

    /**
     * @param tool a tool's name
     * @return whether it has answered
     */
    boolean has(String tool) {
        return results.stream().anyMatch(r -> r.tool().equals(tool));
    }

    /**
     * @param tool a tool's name
     * @return its first answer, or a missing node (whose fields read as missing) when it has none or failed
     */
    JsonNode of(String tool) {
        return results.stream().filter(r -> r.tool().equals(tool)).map(Result::value).findFirst()
                .orElse(MissingNode.getInstance());
    }

    /**
     * @param query the metric query
     * @return the {@code metrics} answer for that query, or a missing node
     */
    JsonNode metric(String query) {
        return results.stream().filter(r -> r.tool().equals("metrics"))
                .map(Result::value).filter(v -> v.path("query").asText().equals(query)).findFirst()
                .orElse(MissingNode.getInstance());
    }

    private static JsonNode unwrap(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
        if (node != null && node.has("tool") && node.has("latency_ms") && node.has("ok")) {
            return node.path("result"); // langchain4j-parallel's envelope: the tool's own output is under result
        }
        return node == null ? MissingNode.getInstance() : node;
    }
}
