package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a LangChain4j tool result as JSON: what references walk and observations embed.
 *
 * <p>Numbers and booleans keep their type; a string that holds a JSON object or array is embedded as JSON, any
 * other string stays a string (so an id such as {@code "007"} is not turned into a number); other objects are
 * already JSON text, as LangChain4j serialized them.
 */
final class ToolResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolResults() {}

    static JsonNode toJson(ToolExecutionResult result) {
        Object raw = result.result();
        if (raw instanceof Number || raw instanceof Boolean) {
            return JSON.valueToTree(raw);
        }
        String text = text(result.resultContents());
        if (raw == null || raw instanceof CharSequence) {
            String trimmed = text.strip();
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                return parseOr(text);
            }
            return TextNode.valueOf(text);
        }
        return parseOr(text);
    }

    static String text(List<Content> contents) {
        if (contents.size() == 1 && contents.get(0) instanceof TextContent only && only.text() != null) {
            return only.text(); // the usual result: no builder, no copy
        }
        StringBuilder text = new StringBuilder();
        for (Content content : contents) {
            if (content instanceof TextContent t) {
                text.append(t.text());
            }
        }
        return text.toString();
    }

    /** @return the contents that are not text, in order; an empty list made only when there are none */
    static List<Content> nonText(List<Content> contents) {
        List<Content> other = null;
        for (Content content : contents) {
            if (!(content instanceof TextContent)) {
                if (other == null) {
                    other = new ArrayList<>();
                }
                other.add(content);
            }
        }
        return other == null ? List.of() : other;
    }

    private static JsonNode parseOr(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }
}
