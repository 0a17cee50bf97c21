package io.github.parallel4j.bench;

import java.time.Duration;

/**
 * How big a scenario run is.
 *
 * @param timeScale every simulated latency and the vendor's refill period are multiplied by it
 * @param repetitions measured turns per contender for the one-conversation workloads
 * @param stormRepetitions measured turns per contender for the 429 storm
 * @param conversations conversations at once in the concurrent-conversations workload
 * @param conversationRounds measured rounds of those conversations (each after one warm-up round)
 * @param conversationTimeLimit how long one round may take before it is abandoned and reported as such
 */
record ScenarioSettings(double timeScale, int repetitions, int stormRepetitions, int conversations,
        int conversationRounds, Duration conversationTimeLimit) {

    /** The sizes the issue asks for: real latencies, 1 000 conversations. */
    static ScenarioSettings full() {
        return new ScenarioSettings(1.0, 20, 5, 1000, 2, Duration.ofSeconds(120));
    }

    /** Tiny sizes for the build's smoke test: latencies ÷ 20, a few dozen conversations. */
    static ScenarioSettings smoke() {
        return new ScenarioSettings(0.05, 2, 2, 40, 1, Duration.ofSeconds(30));
    }
}
