package io.github.parallel4j.bench;

import java.time.Duration;

/**
 * How big a scenario run is.
 *
 * @param timeScale every simulated latency and the vendor's refill period are multiplied by it
 * @param repetitions measured turns per contender for the one-conversation workloads
 * @param stormRepetitions measured turns per contender for the 429 storm
 * @param conversations conversations at once in the concurrent-conversations workload
 * @param conversationWarmUps unmeasured rounds of those conversations before the measured ones, for every executor:
 *     on 2 cores the JIT compilers take several rounds of 1 000 conversations to finish, and until they do their CPU
 *     is counted in the round's, more of it the more code an executor runs
 * @param conversationRounds measured rounds of those conversations, after the warm-up rounds
 * @param conversationTimeLimit how long one round may take before it is abandoned and reported as such
 */
record ScenarioSettings(double timeScale, int repetitions, int stormRepetitions, int conversations,
        int conversationWarmUps, int conversationRounds, Duration conversationTimeLimit) {

    /** The sizes the issue asks for: real latencies, 1 000 conversations (ten warm-up rounds, three measured). */
    static ScenarioSettings full() {
        return new ScenarioSettings(1.0, 20, 5, 1000, 10, 3, Duration.ofSeconds(120));
    }

    /** Tiny sizes for the build's smoke test: latencies ÷ 20, a few dozen conversations. */
    static ScenarioSettings smoke() {
        return new ScenarioSettings(0.05, 2, 2, 40, 1, 1, Duration.ofSeconds(30));
    }
}
