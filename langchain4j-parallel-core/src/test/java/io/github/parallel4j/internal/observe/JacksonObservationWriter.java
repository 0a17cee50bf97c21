package io.github.parallel4j.internal.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.internal.schedule.CallOutcome;

/**
 * The observation writer as it was before it wrote text directly: each envelope an {@code ObjectNode} written by
 * Jackson. Kept as the oracle {@link ObservationWriterOraclePropertyTest} holds {@link ObservationWriter} to,
 * character for character. Its original description follows.
 *
 * <p>Writes a {@link CallOutcome} as the JSON observation the model reads:
 *
 * <pre>{@code
 * {"id":"call_1","tool":"order","ok":true,"latency_ms":212,"wave":1,"result":{"orderId":"42"}}
 * {"id":"call_2","tool":"cancel","ok":false,"error_code":"DEPENDENCY_FAILED","error":"...","latency_ms":0,"wave":2}
 * }</pre>
 *
 * <p>A result that is JSON is embedded as JSON; plain text as a string. When the observation would exceed its
 * allowance, the result is cut by {@link JsonTruncator} (still valid JSON, saying what it left out) and the
 * observation says {@code "truncated":true} with the result's {@code "original_size"} in characters (of its text,
 * or of its compact JSON), so the model
 * never mistakes a cut result for a whole one. Error messages are capped at 2 000 characters.
 *
 * <p>Immutable and thread-safe.
 */
final class JacksonObservationWriter {

    /** The least an observation may be cut to: {@link ParallelToolsConfig#MIN_OBSERVATION_CHARS}. */
    static final int MIN_CHARS = ParallelToolsConfig.MIN_OBSERVATION_CHARS;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_CHARS = 2_000;

    private final JsonTruncator truncator = new JsonTruncator();

    /**
     * Writes one observation.
     *
     * @param outcome how the call ended
     * @param result the result to embed when ok, or null for none
     * @param maxChars the observation's allowance; 0 for no limit
     * @return the observation as compact JSON
     */
    String write(CallOutcome outcome, JsonNode result, int maxChars) {
        return write(outcome, result, maxChars, null);
    }

    /**
     * Writes one observation whose full result, if cut, is kept under a handle the model can read it back by.
     *
     * @param outcome how the call ended
     * @param result the result to embed when ok, or null for none
     * @param maxChars the observation's allowance; 0 for no limit
     * @param handle the handle of the kept full result, named in the observation when the result is cut; or null
     * @return the observation as compact JSON
     */
    String write(CallOutcome outcome, JsonNode result, int maxChars, String handle) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("id", outcome.call().id());
        envelope.put("tool", outcome.call().name());
        envelope.put("ok", outcome.ok());
        if (!outcome.ok()) {
            envelope.put("error_code", outcome.errorCode().name());
            envelope.put("error", cap(outcome.error()));
        }
        envelope.put("latency_ms", outcome.latencyMillis());
        int limit = maxChars <= 0 ? Integer.MAX_VALUE : Math.max(MIN_CHARS, maxChars);
        // Always present, as the guide promises: 0 says the call was refused before it could be scheduled
        // (INVALID_ARGUMENTS, UNKNOWN_TOOL, CYCLE, BATCH_TOO_LARGE), which a reader must not mistake for a missing field.
        envelope.put("wave", outcome.call().wave());
        if (outcome.attempts() > 1) {
            envelope.put("attempts", outcome.attempts());
        }
        if (outcome.cached()) {
            envelope.put("cached", true);
        }
        outcome.call().note().ifPresent(note -> envelope.put("note", capTo(note, 300)));
        if (envelope.has("note") && limit != Integer.MAX_VALUE && envelope.toString().length() > limit - 60) {
            // Leave room for the result's own fields: a small allowance shortens the note first.
            String note = envelope.get("note").textValue();
            int over = envelope.toString().length() - (limit - 60);
            envelope.put("note", capTo(note, Math.max(20, note.length() - over)));
        }
        if (!outcome.ok() && limit != Integer.MAX_VALUE && envelope.toString().length() > limit) {
            // A long error must still fit: shorten the message, never the fields around it.
            String error = envelope.get("error").textValue();
            int over = envelope.toString().length() - limit;
            envelope.put("error", capTo(error, Math.max(20, error.length() - over - 8)));
        }
        if (!outcome.ok() || result == null) {
            return envelope.toString();
        }
        int size = JsonTruncator.measure(result);
        if ((long) envelope.toString().length() + 10 + size <= limit) { // ,"result":
            envelope.set("result", result);
            return envelope.toString();
        }
        envelope.put("truncated", true);
        // A text result's size is its length; any other result's, the length of its compact JSON.
        envelope.put("original_size", result.isTextual() ? result.textValue().length() : size);
        if (handle != null) {
            envelope.put("handle", handle);
        }
        int room = limit - envelope.toString().length() - 10;
        if (room >= JsonTruncator.MIN_BUDGET) {
            envelope.set("result", truncator.truncate(result, room, size).value());
        } // else no room to show any of it honestly: the envelope says it was cut and how large it was
        return envelope.toString();
    }

    /**
     * The observation of a call refused before it could be planned or scheduled (LangChain4j asked about a tool that
     * does not exist): the same fields as {@link #write}, with {@code wave} 0 and no latency.
     *
     * @param id the call's id
     * @param tool the tool it named
     * @param code why it was refused
     * @param error the message for the model
     * @return the observation as compact JSON
     */
    static String refused(String id, String tool, ErrorCode code, String error) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("id", id);
        envelope.put("tool", tool);
        envelope.put("ok", false);
        envelope.put("error_code", code.name());
        envelope.put("error", cap(error));
        envelope.put("latency_ms", 0);
        envelope.put("wave", 0);
        return envelope.toString();
    }

    /**
     * The full size of an observation, before any cut: what a turn's fair share is computed from.
     *
     * @param outcome how the call ended
     * @param result its result, or null
     * @return the observation's length in characters, uncut
     */
    int fullSize(CallOutcome outcome, JsonNode result) {
        String envelope = write(outcome, null, 0);
        return !outcome.ok() || result == null ? envelope.length() : envelope.length() + 10 + JsonTruncator.measure(result);
    }

    private static String capTo(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
    }

    private static String cap(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
