package io.github.parallel4j.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the simulated tools saw during one run: when each step started and ended, and the most calls that were
 * inside each integration at once. Measured inside the tools themselves, so it is the same yardstick for the
 * library and for the baselines.
 *
 * <p>Thread-safe.
 */
final class CallRecorder {

    /** When one step ran, in {@link System#nanoTime()}. */
    record Interval(long startNanos, long endNanos) {}

    private final Map<String, Interval> steps = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();

    /** Marks a call as entered into its integration; returns its start time. */
    long enter(String integration) {
        int now = inFlight.computeIfAbsent(integration, k -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(integration, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        return System.nanoTime();
    }

    /** Marks a call as left its integration and records its interval under its step. */
    void leave(String integration, String step, long startNanos) {
        steps.put(step, new Interval(startNanos, System.nanoTime()));
        inFlight.get(integration).decrementAndGet();
    }

    /** @return the most calls seen at once inside an integration, 0 when it saw none */
    int maxInFlight(String integration) {
        AtomicInteger max = maxInFlight.get(integration);
        return max == null ? 0 : max.get();
    }

    /** @return when a step ran, or null when it never ran */
    Interval step(String step) {
        return steps.get(step);
    }

    /** Forgets everything, between runs. */
    void clear() {
        steps.clear();
        maxInFlight.clear();
    }
}
