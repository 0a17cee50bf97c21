package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.internal.Internal;
import java.util.Objects;

/**
 * What a tool returned: its value as JSON (what references walk and observations embed) and, optionally, the
 * framework's own result object so the caller can pass on what JSON cannot carry.
 *
 * @param value the result as JSON; a text node for plain text
 * @param attachment the framework's result (such as LangChain4j's {@code ToolExecutionResult}), or null
 */
@Internal
public record ToolOutput(JsonNode value, Object attachment) {

    public ToolOutput {
        Objects.requireNonNull(value, "value");
    }
}
