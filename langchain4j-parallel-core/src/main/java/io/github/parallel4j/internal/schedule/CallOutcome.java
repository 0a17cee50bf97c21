package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.Map;
import java.util.Optional;

/**
 * How one call of a turn ended, with its timings: the raw material of an observation and of a trace.
 *
 * <p>Times are nanoseconds since the turn started, on the scheduler's ticker; {@code startNanos} is when the tool
 * began to run (after its locks and permits), {@code -1} when it never ran.
 *
 * @param call the planned call
 * @param ok whether the tool ran and returned normally
 * @param errorCode why not, when not ok
 * @param error a message for the model, when not ok
 * @param output the tool's output, when ok
 * @param cause the exception behind the failure, if any (never shown to the model)
 * @param readyNanos when its predecessors were done, or -1
 * @param startNanos when the tool began to run, or -1
 * @param endNanos when the outcome was decided
 * @param attempts how many times the tool was started (0 when it never ran)
 * @param cached whether the output came from the read cache instead of running the tool
 * @param heldNanos what held the call back before it started, per step, as the steps recorded it; empty when
 *     nothing did
 * @param heldOn what of each step held it, where the step has a name
 */
@Internal
public record CallOutcome(
        PlannedCall call,
        boolean ok,
        ErrorCode errorCode,
        String error,
        ToolOutput output,
        Throwable cause,
        long readyNanos,
        long startNanos,
        long endNanos,
        int attempts,
        boolean cached,
        Map<HeldBy, Long> heldNanos,
        Map<HeldBy, String> heldOn) {

    public CallOutcome {
        heldNanos = heldNanos == null ? Map.of() : heldNanos;
        heldOn = heldOn == null ? Map.of() : heldOn;
    }

    /** An outcome of a call that nothing held back (or whose holds are written in when it completes). */
    public CallOutcome(PlannedCall call, boolean ok, ErrorCode errorCode, String error, ToolOutput output,
            Throwable cause, long readyNanos, long startNanos, long endNanos, int attempts, boolean cached) {
        this(call, ok, errorCode, error, output, cause, readyNanos, startNanos, endNanos, attempts, cached, Map.of(),
                Map.of());
    }

    static CallOutcome success(PlannedCall call, ToolOutput output, long ready, long start, long end, int attempts) {
        return new CallOutcome(call, true, null, null, output, null, ready, start, end, attempts, false);
    }

    static CallOutcome failure(PlannedCall call, ErrorCode code, String error, Throwable cause, long ready, long start,
            long end, int attempts) {
        return new CallOutcome(call, false, code, error, null, cause, ready, start, end, attempts, false);
    }

    static CallOutcome fromCache(PlannedCall call, ToolOutput output, long now) {
        return new CallOutcome(call, true, null, null, output, null, now, -1, now, 0, true);
    }

    /** @return this outcome, for another call that shares it (an identical read) */
    CallOutcome sharedWith(PlannedCall other) {
        return new CallOutcome(other, ok, errorCode, error, output, cause, readyNanos, startNanos, endNanos, attempts,
                cached);
    }

    /** @return this outcome with a message appended to its error */
    CallOutcome withNote(String note) {
        return new CallOutcome(call, ok, errorCode, error + note, output, cause, readyNanos, startNanos, endNanos,
                attempts, cached, heldNanos, heldOn);
    }

    /** @return this outcome with what held its call back */
    CallOutcome withHolds(Map<HeldBy, Long> nanos, Map<HeldBy, String> on) {
        return new CallOutcome(call, ok, errorCode, error, output, cause, readyNanos, startNanos, endNanos, attempts,
                cached, nanos, on);
    }

    /** @return the tool's output as JSON, when ok */
    public Optional<JsonNode> value() {
        return output == null ? Optional.empty() : Optional.of(output.value());
    }

    /** @return how long the tool ran in milliseconds, 0 when it never ran */
    public long latencyMillis() {
        return startNanos < 0 ? 0 : Math.max(0, (endNanos - startNanos) / 1_000_000);
    }

    /** @return whether the tool began to run */
    public boolean started() {
        return startNanos >= 0;
    }
}
