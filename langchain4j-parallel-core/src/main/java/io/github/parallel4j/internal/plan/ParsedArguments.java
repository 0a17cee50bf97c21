package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.internal.Internal;

/**
 * A call's arguments as read from the model's text: either a JSON object, or the exception that reading them
 * threw, kept as it was thrown so that whoever reports the failure (the library's observation, or LangChain4j's
 * own error handler) sees the original.
 *
 * @param value the arguments, a JSON object; null when reading failed
 * @param failure why reading failed; null when it did not
 */
@Internal
public record ParsedArguments(JsonNode value, Exception failure) {

    public ParsedArguments {
        if ((value == null) == (failure == null)) {
            throw new IllegalArgumentException("exactly one of value and failure must be given");
        }
    }

    /**
     * @param value the arguments, a JSON object
     * @return arguments that were read
     */
    public static ParsedArguments parsed(JsonNode value) {
        return new ParsedArguments(value, null);
    }

    /**
     * @param failure the exception reading threw
     * @return arguments that could not be read
     */
    public static ParsedArguments failed(Exception failure) {
        return new ParsedArguments(null, failure);
    }

    /** @return whether the arguments were read */
    public boolean ok() {
        return value != null;
    }
}
