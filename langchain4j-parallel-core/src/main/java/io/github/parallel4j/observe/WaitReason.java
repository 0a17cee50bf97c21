package io.github.parallel4j.observe;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.IntegrationLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Says in words what held a call back, from what the scheduler recorded as each step let it through
 * ({@link CallReport#heldNanos()}): "waited 420 ms for a datadog slot (at most 2 at once), 80 ms for the lock on
 * order:42". Nothing is guessed from the configuration: a step that did not hold the call is not named.
 */
final class WaitReason {

    /** Holds shorter than this are not worth a reader's attention (a backend's round trip, say); they stay in the report. */
    static final long NOTABLE_NANOS = 1_000_000;

    private WaitReason() {}

    /**
     * @param call a call
     * @param limits the integrations' limits, or null when the page was not told them
     * @return what held it after it was ready (its locks, caps, rates, pauses, retries), e.g. "waited 420 ms for a
     *     datadog slot (at most 2 at once)", or null when nothing did for a millisecond or more
     */
    static String of(CallReport call, Map<String, IntegrationLimits> limits) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<HeldBy, Long> held : call.heldNanos().entrySet()) {
            HeldBy step = held.getKey();
            if (step != HeldBy.DATA && step != HeldBy.CONFLICT && held.getValue() >= NOTABLE_NANOS) {
                parts.add(held.getValue() / 1_000_000 + " ms for " + step(step, call.heldOn().get(step), limits));
            }
        }
        return parts.isEmpty() ? null : "waited " + String.join(", ", parts);
    }

    /**
     * @param call a call
     * @return how long what {@link #of} names held it after it was ready, in nanoseconds: its locks, caps, rates,
     *     pauses and retries, not its predecessors
     */
    static long afterReadyNanos(CallReport call) {
        long total = 0;
        for (Map.Entry<HeldBy, Long> held : call.heldNanos().entrySet()) {
            if (held.getKey() != HeldBy.DATA && held.getKey() != HeldBy.CONFLICT) {
                total += held.getValue();
            }
        }
        return total;
    }

    /**
     * @param call a call
     * @return what it waited for before it was ready, e.g. "ready after call_1's output (600 ms)", or null
     */
    static String before(CallReport call) {
        List<String> parts = new ArrayList<>();
        for (HeldBy step : List.of(HeldBy.DATA, HeldBy.CONFLICT)) {
            Long nanos = call.heldNanos().get(step);
            if (nanos != null) {
                parts.add(step(step, call.heldOn().get(step), null) + " (" + nanos / 1_000_000 + " ms)");
            }
        }
        return parts.isEmpty() ? null : "ready after " + String.join(" and ", parts);
    }

    /** @return one step in words, e.g. "a datadog slot (at most 2 at once)" */
    static String step(HeldBy step, String on, Map<String, IntegrationLimits> limits) {
        String what = on == null ? "" : on;
        IntegrationLimits configured = limits == null || on == null ? null : limits.get(on);
        String knob = configured == null ? "" : " (" + describe(configured) + ")";
        return switch (step) {
            case DATA -> what + "'s output";
            case CONFLICT -> "the conflicting " + what;
            case PAUSE -> what + "'s pause after an upstream 429";
            case INVOCATION_LOCK -> "the invocation lock (a write that runs alone)";
            case KEY_LOCK -> "the lock on " + what;
            case TURN_CAP -> "the turn's cap on calls at once";
            case INTEGRATION_CAP -> "a " + what + " slot" + knob;
            case SHARED_LIMITS -> on == null ? "the limits shared across JVMs (their key locks)"
                    : what + "'s limits shared across JVMs";
            case RATE -> "a " + what + " permit" + knob;
            case JVM_SLOT -> "a JVM-wide slot (maxConcurrentCalls)";
            case RETRY -> "the backoff before another attempt";
        };
    }

    /** @return the limits in words: "at most 2 at once, 5 per 1 s" */
    static String describe(IntegrationLimits limits) {
        List<String> parts = new ArrayList<>();
        limits.maxConcurrent().ifPresent(max -> parts.add("at most " + max + " at once"));
        for (Bandwidth rate : limits.bandwidths()) {
            parts.add(rate.getRefillTokens() + " per " + duration(Duration.ofNanos(rate.getRefillPeriodNanos())));
        }
        if (!limits.perKeyBandwidths().isEmpty()) {
            parts.add("per-key rates");
        }
        return parts.isEmpty() ? "no limits" : String.join(", ", parts);
    }

    private static String duration(Duration d) {
        if (d.toMillis() % 1_000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }
}
