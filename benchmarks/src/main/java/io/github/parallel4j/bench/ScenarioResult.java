package io.github.parallel4j.bench;

import java.util.Arrays;
import java.util.Map;

/**
 * How one contender did on one workload.
 *
 * @param workload the workload
 * @param contender who ran it
 * @param latenciesMs each measured turn's duration (each conversation's, for concurrent conversations), sorted
 * @param lowerBoundMs the bound no executor can beat (critical path, or the vendor's rate bound)
 * @param tooManyRequests upstream 429s over all measured turns, or -1 when the workload has no rate-limited vendor
 * @param answered tool calls that returned a result, over all measured turns
 * @param expected tool calls asked for, over all measured turns
 * @param maxInFlight the most calls seen at once inside each capped integration
 * @param orderViolations data or conflict edges whose successor started before its predecessor ended
 * @param makespanMs for concurrent conversations: from the start signal to the last conversation's answer
 * @param cpuMs for concurrent conversations: the CPU time the JVM used during a round (all threads)
 * @param note what went wrong, when the run could not be completed; else null
 */
record ScenarioResult(Workload workload, Contender contender, double[] latenciesMs, double lowerBoundMs,
        int tooManyRequests, long answered, long expected, Map<String, Integer> maxInFlight, int orderViolations,
        double makespanMs, double cpuMs, String note) {

    ScenarioResult {
        latenciesMs = latenciesMs.clone();
        Arrays.sort(latenciesMs);
        maxInFlight = Map.copyOf(maxInFlight);
    }

    /** @return the p-th percentile (nearest rank), NaN when there is no measurement */
    double percentile(double p) {
        if (latenciesMs.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * latenciesMs.length);
        return latenciesMs[Math.max(0, Math.min(latenciesMs.length - 1, rank - 1))];
    }

    /** @return whether every capped integration stayed within its cap */
    boolean capsHonoured() {
        return workload.caps().entrySet().stream()
                .allMatch(cap -> maxInFlight.getOrDefault(cap.getKey(), 0) <= cap.getValue());
    }

    /** @return whether the run completed */
    boolean completed() {
        return note == null;
    }

    /** @return the number of measured turns (or conversations) */
    int samples() {
        return latenciesMs.length;
    }
}
