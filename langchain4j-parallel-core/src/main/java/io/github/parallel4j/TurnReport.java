package io.github.parallel4j;

import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.schedule.CallOutcome;
import java.util.List;
import java.util.UUID;

/**
 * A finished turn: its plan, and how each call ended with its timings (nanoseconds since the turn started: when
 * it became ready, started to run, and ended). What traces, metrics and the {@code TurnTimeline} are made from.
 *
 * @param invocationId the AI service invocation the turn belongs to, or null when unknown
 * @param plan the turn's plan
 * @param outcomes one per call, in the model's order
 * @param durationNanos from the turn's start to its last outcome
 */
public record TurnReport(UUID invocationId, Plan plan, List<CallOutcome> outcomes, long durationNanos) {

    public TurnReport {
        outcomes = List.copyOf(outcomes);
    }

    /**
     * The most calls that ran at the same time.
     *
     * @return the peak overlap of the calls' running intervals
     */
    public int maxOverlap() {
        int max = 0;
        for (CallOutcome a : outcomes) {
            if (!a.started()) {
                continue;
            }
            int at = 0;
            for (CallOutcome b : outcomes) {
                if (b.started() && b.startNanos() <= a.startNanos() && a.startNanos() < b.endNanos()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }
}
