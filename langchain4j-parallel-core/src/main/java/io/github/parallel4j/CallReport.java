package io.github.parallel4j;

import java.util.List;

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
        long arrivedNanos) {

    public CallReport {
        resourceKeys = resourceKeys == null ? List.of() : List.copyOf(resourceKeys);
    }

    /** A call of a planned batch, there when its turn started ({@code arrivedNanos} 0). */
    public CallReport(String id, String providerId, String tool, String arguments, String integration,
            List<String> resourceKeys, boolean exclusive, int wave, boolean ok, ErrorCode errorCode, String error,
            Throwable cause, int attempts, boolean cached, String sharedWith, long readyNanos, long startNanos,
            long endNanos) {
        this(id, providerId, tool, arguments, integration, resourceKeys, exclusive, wave, ok, errorCode, error, cause,
                attempts, cached, sharedWith, readyNanos, startNanos, endNanos, 0);
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
