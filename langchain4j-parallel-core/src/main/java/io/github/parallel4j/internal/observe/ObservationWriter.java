package io.github.parallel4j.internal.observe;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.schedule.CallOutcome;

/**
 * Writes a {@link CallOutcome} as the JSON observation the model reads:
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
 * <p>Every call writes one, so the envelope is written as text in one pass ({@link JsonText}, the same characters
 * Jackson writes), sized by arithmetic before it is written, and never built as a tree: the observation of a call
 * costs its text and the result's JSON, not a tree, a map and a generator per field check. The text is the one
 * Jackson wrote for the envelope as a tree, with one difference: a result nested as deep as Jackson's limit allows
 * (1 000 levels) is written, where inside the tree's envelope it was one level too deep and failed.
 *
 * <p>Immutable and thread-safe.
 */
@Internal
public final class ObservationWriter {

    /** The least an observation may be cut to: {@link ParallelToolsConfig#MIN_OBSERVATION_CHARS}. */
    public static final int MIN_CHARS = ParallelToolsConfig.MIN_OBSERVATION_CHARS;

    private static final int MAX_ERROR_CHARS = 2_000;
    /** {@code ,"result":} */
    private static final int RESULT_FIELD = 10;

    private final JsonTruncator truncator = new JsonTruncator();

    /**
     * Writes one observation.
     *
     * @param outcome how the call ended
     * @param result the result to embed when ok, or null for none
     * @param maxChars the observation's allowance; 0 for no limit
     * @return the observation as compact JSON
     */
    public String write(CallOutcome outcome, JsonNode result, int maxChars) {
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
    public String write(CallOutcome outcome, JsonNode result, int maxChars, String handle) {
        int limit = maxChars <= 0 ? Integer.MAX_VALUE : Math.max(MIN_CHARS, maxChars);
        String error = outcome.ok() ? null : cap(outcome.error());
        String note = outcome.call().note().map(n -> capTo(n, 300)).orElse(null);
        if (note != null && limit != Integer.MAX_VALUE && envelopeLength(outcome, error, note) > limit - 60) {
            // Leave room for the result's own fields: a small allowance shortens the note first.
            int over = envelopeLength(outcome, error, note) - (limit - 60);
            note = capTo(note, Math.max(20, note.length() - over));
        }
        if (!outcome.ok() && limit != Integer.MAX_VALUE && envelopeLength(outcome, error, note) > limit) {
            // A long error must still fit: shorten the message, never the fields around it.
            int over = envelopeLength(outcome, error, note) - limit;
            error = capTo(error, Math.max(20, error.length() - over - 8));
        }
        if (!outcome.ok() || result == null) {
            return head(outcome, error, note, 0).append('}').toString();
        }
        int envelope = envelopeLength(outcome, null, note);
        int size = JsonTruncator.measure(result);
        if ((long) envelope + RESULT_FIELD + size <= limit) {
            StringBuilder text = head(outcome, null, note, RESULT_FIELD + size + 1);
            return json(text.append(",\"result\":"), result).append('}').toString();
        }
        // A text result's size is its length; any other result's, the length of its compact JSON.
        int originalSize = result.isTextual() ? result.textValue().length() : size;
        StringBuilder text = head(outcome, null, note, Math.min(limit, 1 << 16))
                .append(",\"truncated\":true,\"original_size\":").append(originalSize);
        if (handle != null) {
            JsonText.quoted(text.append(",\"handle\":"), handle);
        }
        int room = limit - (text.length() + 1) - RESULT_FIELD;
        if (room >= JsonTruncator.MIN_BUDGET) {
            json(text.append(",\"result\":"), truncator.truncate(result, room, size).value());
        } // else no room to show any of it honestly: the envelope says it was cut and how large it was
        return text.append('}').toString();
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
    public static String refused(String id, String tool, ErrorCode code, String error) {
        StringBuilder text = new StringBuilder(96 + (error == null ? 0 : Math.min(error.length(), MAX_ERROR_CHARS)));
        JsonText.quoted(text.append("{\"id\":"), id);
        JsonText.quoted(text.append(",\"tool\":"), tool);
        JsonText.quoted(text.append(",\"ok\":false,\"error_code\":"), code.name());
        JsonText.quoted(text.append(",\"error\":"), cap(error));
        return text.append(",\"latency_ms\":0,\"wave\":0}").toString();
    }

    /**
     * The full size of an observation, before any cut: what a turn's fair share is computed from.
     *
     * @param outcome how the call ended
     * @param result its result, or null
     * @return the observation's length in characters, uncut
     */
    public int fullSize(CallOutcome outcome, JsonNode result) {
        String note = outcome.call().note().map(n -> capTo(n, 300)).orElse(null);
        int envelope = envelopeLength(outcome, outcome.ok() ? null : cap(outcome.error()), note);
        return !outcome.ok() || result == null ? envelope : envelope + RESULT_FIELD + JsonTruncator.measure(result);
    }

    /**
     * The envelope's fields, from {@code {"id":} to the note, without the closing brace.
     *
     * @param error the error to write, for a failed call
     * @param note the note to write, or null
     * @param more room to reserve for what follows
     */
    private static StringBuilder head(CallOutcome outcome, String error, String note, int more) {
        StringBuilder text = new StringBuilder(envelopeLength(outcome, error, note) + more);
        JsonText.quoted(text.append("{\"id\":"), outcome.call().id());
        JsonText.quoted(text.append(",\"tool\":"), outcome.call().name());
        text.append(",\"ok\":").append(outcome.ok());
        if (!outcome.ok()) {
            JsonText.quoted(text.append(",\"error_code\":"), outcome.errorCode().name());
            JsonText.quoted(text.append(",\"error\":"), error);
        }
        text.append(",\"latency_ms\":").append(outcome.latencyMillis());
        // Always present, as the guide promises: 0 says the call was refused before it could be scheduled
        // (INVALID_ARGUMENTS, UNKNOWN_TOOL, CYCLE, BATCH_TOO_LARGE), which a reader must not mistake for a missing field.
        text.append(",\"wave\":").append(outcome.call().wave());
        if (outcome.attempts() > 1) {
            text.append(",\"attempts\":").append(outcome.attempts());
        }
        if (outcome.cached()) {
            text.append(",\"cached\":true");
        }
        if (note != null) {
            JsonText.quoted(text.append(",\"note\":"), note);
        }
        return text;
    }

    /** The length of the envelope {@link #head} writes, with its closing brace, counted without writing it. */
    private static int envelopeLength(CallOutcome outcome, String error, String note) {
        long length = "{\"id\":".length() + JsonText.lengthOf(outcome.call().id())
                + ",\"tool\":".length() + JsonText.lengthOf(outcome.call().name())
                + ",\"ok\":".length() + (outcome.ok() ? 4 : 5);
        if (!outcome.ok()) {
            length += ",\"error_code\":".length() + JsonText.lengthOf(outcome.errorCode().name())
                    + ",\"error\":".length() + JsonText.lengthOf(error);
        }
        length += ",\"latency_ms\":".length() + JsonText.lengthOf(outcome.latencyMillis())
                + ",\"wave\":".length() + JsonText.lengthOf(outcome.call().wave());
        if (outcome.attempts() > 1) {
            length += ",\"attempts\":".length() + JsonText.lengthOf(outcome.attempts());
        }
        if (outcome.cached()) {
            length += ",\"cached\":true".length();
        }
        if (note != null) {
            length += ",\"note\":".length() + JsonText.lengthOf(note);
        }
        return (int) Math.min(Integer.MAX_VALUE, length + 1);
    }

    /** Appends a result as compact JSON: a text directly, anything else as Jackson writes it. */
    private static StringBuilder json(StringBuilder text, JsonNode value) {
        return value.isTextual() ? JsonText.quoted(text, value.textValue()) : text.append(value.toString());
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
