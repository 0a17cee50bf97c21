package io.github.parallel4j.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.parallel4j.schedule.CallOutcome;

/**
 * Writes a {@link CallOutcome} as the JSON observation the model reads:
 *
 * <pre>{@code
 * {"id":"call_1","tool":"order","ok":true,"latency_ms":212,"wave":1,"result":{"orderId":"42"}}
 * {"id":"call_2","tool":"cancel","ok":false,"error_code":"DEPENDENCY_FAILED","error":"...","latency_ms":0,"wave":2}
 * }</pre>
 *
 * <p>A result that is JSON is embedded as JSON; plain text as a string. When the observation would exceed
 * {@code maxChars}, the result is replaced by its first characters as a string and the observation says
 * {@code "truncated":true} with the result's {@code "original_size"} in characters, so the model never mistakes a
 * cut result for a whole one. Error messages are capped at 2 000 characters.
 *
 * <p>Immutable and thread-safe.
 */
public final class ObservationWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_CHARS = 2_000;

    private final int maxChars;

    /**
     * @param maxChars the most characters an observation may have; at least 256
     */
    public ObservationWriter(int maxChars) {
        if (maxChars < 256) {
            throw new IllegalArgumentException("maxObservationChars must be at least 256, was " + maxChars);
        }
        this.maxChars = maxChars;
    }

    /**
     * Writes one observation.
     *
     * @param outcome how the call ended
     * @param result the result to embed when ok (may differ from the outcome's value, for instance with
     *     non-text content left out), or null for none
     * @return the observation as compact JSON
     */
    public String write(CallOutcome outcome, JsonNode result) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("id", outcome.call().id());
        envelope.put("tool", outcome.call().name());
        envelope.put("ok", outcome.ok());
        if (!outcome.ok()) {
            envelope.put("error_code", outcome.errorCode().name());
            envelope.put("error", cap(outcome.error()));
        }
        envelope.put("latency_ms", outcome.latencyMillis());
        if (outcome.call().wave() > 0) {
            envelope.put("wave", outcome.call().wave());
        }
        if (outcome.attempts() > 1) {
            envelope.put("attempts", outcome.attempts());
        }
        outcome.call().note().ifPresent(note -> envelope.put("note", note));
        if (outcome.ok() && result != null) {
            envelope.set("result", result);
        }
        String text = envelope.toString();
        if (text.length() <= maxChars || result == null) {
            return text;
        }
        return truncated(envelope, result);
    }

    private String truncated(ObjectNode envelope, JsonNode result) {
        String full = result.isTextual() ? result.textValue() : toJson(result);
        envelope.put("truncated", true);
        envelope.put("original_size", full.length());
        envelope.put("result", "");
        int keep = Math.max(0, maxChars - envelope.toString().length());
        // Escaping can lengthen the kept text; shrink until the whole observation fits.
        while (true) {
            envelope.put("result", full.substring(0, keep));
            String text = envelope.toString();
            if (text.length() <= maxChars || keep == 0) {
                return text;
            }
            keep = Math.max(0, keep - (text.length() - maxChars));
        }
    }

    private static String cap(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS) + "...";
    }

    private static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
