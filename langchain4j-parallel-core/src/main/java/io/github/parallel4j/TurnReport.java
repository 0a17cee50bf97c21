package io.github.parallel4j;

import java.util.List;
import java.util.UUID;

/**
 * A finished turn: how each of its calls went, with their timings, and the facts of the turn as a whole. What
 * {@link TurnListener}s receive, and what traces, metrics and the {@code TurnTimeline} are made from.
 *
 * @param invocationId the AI service invocation the turn belongs to, or null when unknown
 * @param calls one per call, in the model's order
 * @param waveCount how many waves the turn's plan had (wave <i>n</i> holds the calls whose longest chain of
 *     predecessors has <i>n</i>-1 links; 0 when nothing could run, e.g. a batch rejected for a cycle)
 * @param durationNanos from the turn's start to its last call's end
 */
public record TurnReport(UUID invocationId, List<CallReport> calls, int waveCount, long durationNanos) {

    public TurnReport {
        calls = List.copyOf(calls);
    }

    /**
     * The most calls that ran at the same time.
     *
     * @return the peak overlap of the calls' running intervals
     */
    public int maxOverlap() {
        int max = 0;
        for (CallReport a : calls) {
            if (!a.started()) {
                continue;
            }
            int at = 0;
            for (CallReport b : calls) {
                if (b.started() && b.startNanos() <= a.startNanos() && a.startNanos() < b.endNanos()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }

    /** @return whether every call ended ok */
    public boolean allOk() {
        return calls.stream().allMatch(CallReport::ok);
    }
}
