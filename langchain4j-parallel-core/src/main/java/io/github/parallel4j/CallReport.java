package io.github.parallel4j;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one call of a finished turn went: which tool it was, what held it back, whether it ran and how it ended. One
 * per call of a {@link TurnReport}, in the model's order; what traces, metrics and the {@code TurnTimeline} read.
 *
 * <p>Times are nanoseconds since the turn started, on the library's {@link Ticker}: {@code readyNanos} when the
 * calls it depends on had finished and it began waiting for its locks and permits, {@code startNanos} when the tool
 * began to run, {@code endNanos} when its outcome was decided. A call that never ran (a failed dependency, the
 * budget, a cached read, a read that shared an identical one's result, a rejection) has {@code startNanos}
 * {@code -1}; one that was never ready has {@code readyNanos} {@code -1}.
 *
 * @param id the call's id: the model's, or the one the library gave it when the model's was missing or repeated
 *     (what {@code $id.path} references and {@code ToolCallContext.callId()} use)
 * @param providerId the id the model sent, possibly null
 * @param tool the tool's name
 * @param arguments the arguments as the model sent them
 * @param integration the tool's integration ({@code @Integration}), or null when it has none
 * @param resourceKeys the call's resource keys with their parameters filled, empty when it has none
 * @param exclusive whether the call ran alone (a write without a resource key, or a tool with neither annotation)
 * @param wave its wave, from 1; 0 for a call that was never planned to run
 * @param ok whether the tool ran (or its result came from the read cache) and returned normally
 * @param errorCode why not, when not ok; null when ok
 * @param error the message the model was given, when not ok; null when ok
 * @param cause what the tool (or the library) threw, if anything; never shown to the model
 * @param attempts how many times the tool was started (0 when it never ran)
 * @param cached whether the result came from the read cache instead of running the tool
 * @param sharedWith the id of the identical read earlier in the turn whose result this call was given instead of
 *     running (its {@code endNanos} is that read's; it has no start and no attempts of its own), or null
 * @param readyNanos when it became ready to run, or -1
 * @param startNanos when the tool began to run, or -1
 * @param endNanos when its outcome was decided
 * @param arrivedNanos when the call reached the library: 0 for a planned batch, whose calls are all there when its
 *     turn starts; for a message whose calls stream in and start as they arrive, when this one streamed in (its turn
 *     starts with its first call)
 * @param heldNanos what held the call before it started, step by step, and for how long in nanoseconds, in
 *     {@link HeldBy}'s fixed order (not necessarily the order it met them: a retry's backoff comes between
 *     attempts); recorded by each step as the call passes it (a step that let the call through at once is not
 *     there), so a call that never waited has none. A call that never started has what held it until its outcome
 *     was decided, the step it was waiting at included (its predecessors, a lock, a cap, a pause or backoff)
 * @param heldOn what of each step held it, where the step has a name: the id of the call it waited for
 *     ({@link HeldBy#DATA}, {@link HeldBy#CONFLICT}), the resource keys ({@link HeldBy#KEY_LOCK}), the integration
 *     ({@link HeldBy#PAUSE}, {@link HeldBy#INTEGRATION_CAP}, {@link HeldBy#SHARED_LIMITS}), the integration's rate
 *     ({@link HeldBy#RATE}: {@code jira}, or {@code jira per key 'tenant-7'} for a per-key rate); the steps without
 *     a name (the invocation lock, the turn's cap, the JVM-wide slot, a retry's backoff) are not there
 */
public record CallReport(
        String id,
        String providerId,
        String tool,
        String arguments,
        String integration,
        List<String> resourceKeys,
        boolean exclusive,
        int wave,
        boolean ok,
        ErrorCode errorCode,
        String error,
        Throwable cause,
        int attempts,
        boolean cached,
        String sharedWith,
        long readyNanos,
        long startNanos,
        long endNanos,
        long arrivedNanos,
        Map<CallReport.HeldBy, Long> heldNanos,
        Map<CallReport.HeldBy, String> heldOn) {

    /**
     * A step that can hold a call back before it starts, in a fixed order: the calls it waits for, then what each
     * attempt takes (a pause of its integration, its locks, its caps, its shared limits, its rate and the JVM-wide
     * slot; a pause can also be met at the rate step), and the backoff between attempts. The scheduler records each
     * where it happens (the lock's line, the cap's queue, the timer the call waits on), so the timeline and metrics
     * say which knob a wait belongs to.
     */
    public enum HeldBy {
        /**
         * A call whose output its arguments reference ({@code $call_1.path}) had not finished; for a read given an
         * identical read's result ({@code sharedWith}), that read. From its arrival until the last of them finished
         * (or its turn closed), named by that one.
         */
        DATA,
        /**
         * A call before it that it conflicts with (a shared resource key and a write, or an exclusive write): the time
         * after its data was there until the last of them finished, named by that one.
         */
        CONFLICT,
        /** Its integration was paused after an upstream 429, until the retry-after passed. */
        PAUSE,
        /** The invocation lock: an exclusive write waits for the invocation's other calls, and they for it. */
        INVOCATION_LOCK,
        /**
         * A resource-key lock held by another call: another turn's (or conversation's) write to the key or reads of
         * it, or an attempt abandoned after its timeout (this call's own, or another's of its turn), which keeps its
         * locks until its tool returns.
         */
        KEY_LOCK,
        /** Its turn's own cap on calls at once. */
        TURN_CAP,
        /** Its integration's {@code maxConcurrent}. */
        INTEGRATION_CAP,
        /** The limits shared across JVMs ({@code sharedLimits}): their key locks, permits and rates. */
        SHARED_LIMITS,
        /** A rate: its integration's {@code rate} or {@code perKeyRate}. */
        RATE,
        /** The JVM-wide {@code maxConcurrentCalls}. */
        JVM_SLOT,
        /** The backoff before another attempt, after one failed (a retry, or a re-run after an upstream 429). */
        RETRY
    }

    public CallReport {
        resourceKeys = resourceKeys == null ? List.of() : List.copyOf(resourceKeys);
        heldNanos = ordered(heldNanos);
        heldOn = ordered(heldOn);
    }

    /**
     * A call that ran and returned normally, nothing holding it back: for a run drawn beside a turn for comparison
     * ({@code TurnTimeline.html}), or a test.
     *
     * @param id its id
     * @param tool its tool's name
     * @param integration its integration, or null
     * @param startNanos when it began, since its run started
     * @param endNanos when it returned
     * @return the report: wave 1, one attempt, ready when it started
     */
    public static CallReport ran(String id, String tool, String integration, long startNanos, long endNanos) {
        return new CallReport(id, null, tool, "", integration, List.of(), false, 1, true, null, null, null, 1, false,
                null, startNanos, startNanos, endNanos);
    }

    /** As the canonical constructor, for a call that nothing held back. */
    public CallReport(String id, String providerId, String tool, String arguments, String integration,
            List<String> resourceKeys, boolean exclusive, int wave, boolean ok, ErrorCode errorCode, String error,
            Throwable cause, int attempts, boolean cached, String sharedWith, long readyNanos, long startNanos,
            long endNanos, long arrivedNanos) {
        this(id, providerId, tool, arguments, integration, resourceKeys, exclusive, wave, ok, errorCode, error, cause,
                attempts, cached, sharedWith, readyNanos, startNanos, endNanos, arrivedNanos, Map.of(), Map.of());
    }

    /** A call of a planned batch, there when its turn started ({@code arrivedNanos} 0). */
    public CallReport(String id, String providerId, String tool, String arguments, String integration,
            List<String> resourceKeys, boolean exclusive, int wave, boolean ok, ErrorCode errorCode, String error,
            Throwable cause, int attempts, boolean cached, String sharedWith, long readyNanos, long startNanos,
            long endNanos) {
        this(id, providerId, tool, arguments, integration, resourceKeys, exclusive, wave, ok, errorCode, error, cause,
                attempts, cached, sharedWith, readyNanos, startNanos, endNanos, 0, Map.of(), Map.of());
    }

    /**
     * @return the step that held the call longest after it was ready (a pause, a lock, a cap, the shared limits, a
     *     rate, the JVM-wide slot, a retry's backoff) before it started, or before its outcome when it never started;
     *     null when none did. The calls it waited for before it was ready ({@link HeldBy#DATA},
     *     {@link HeldBy#CONFLICT}) are in {@link #heldNanos()} only: they are the plan's order, not a limit
     */
    public HeldBy heldBy() {
        HeldBy longest = null;
        long most = -1;
        for (Map.Entry<HeldBy, Long> e : heldNanos.entrySet()) {
            if (e.getKey() != HeldBy.DATA && e.getKey() != HeldBy.CONFLICT && e.getValue() > most) {
                longest = e.getKey();
                most = e.getValue();
            }
        }
        return longest;
    }

    /**
     * @return the sum of {@link #heldNanos()}: never more than the time from its arrival to its start, or to its
     *     outcome when it never started
     */
    public long heldNanosTotal() {
        long total = 0;
        for (long nanos : heldNanos.values()) {
            total += nanos;
        }
        return total;
    }

    private static <V> Map<HeldBy, V> ordered(Map<HeldBy, V> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        for (Map.Entry<HeldBy, V> e : map.entrySet()) {
            Objects.requireNonNull(e.getKey(), "a step held by");
            Objects.requireNonNull(e.getValue(), "a step's value");
        }
        return Collections.unmodifiableMap(new EnumMap<>(map));
    }

    /** @return whether the tool began to run */
    public boolean started() {
        return startNanos >= 0;
    }

    /** @return how long the tool ran in milliseconds, 0 when it never ran */
    public long latencyMillis() {
        return startNanos < 0 ? 0 : Math.max(0, (endNanos - startNanos) / 1_000_000);
    }

    /**
     * @return how long it waited for its locks, permits and a thread between being ready and starting, in
     *     nanoseconds; 0 when it never ran
     */
    public long waitedNanos() {
        return startNanos < 0 ? 0 : Math.max(0, startNanos - Math.max(0, readyNanos));
    }
}
