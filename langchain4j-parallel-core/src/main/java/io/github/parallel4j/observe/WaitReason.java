package io.github.parallel4j.observe;

import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.policy.ResourceKey;
import io.github.parallel4j.schedule.CallOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Says what a call waited for between the moment its inputs were ready and the moment it started. A report records
 * when, not why, so this names what could hold that call back: its integration's configured limits, its resource
 * locks, or a free tool thread; an on-call engineer then knows which knob the wait belongs to.
 */
final class WaitReason {

    /**
     * Waits shorter than this are the hand-off to a tool thread, not a limit or a lock: saying "waited 2 ms for a
     * datadog slot" would send the reader after a knob that did nothing.
     */
    static final long NOTABLE_NANOS = 10_000_000;

    private WaitReason() {}

    /**
     * @param outcome a call that started
     * @param limits the integrations' limits, or null when the page was not told them
     * @return e.g. "a datadog slot or permit (at most 2 at once)", or null when it did not wait (10 ms or more)
     */
    static String of(CallOutcome outcome, Map<String, IntegrationLimits> limits) {
        if (!outcome.started() || outcome.startNanos() - Math.max(0, outcome.readyNanos()) < NOTABLE_NANOS) {
            return null;
        }
        PlannedCall call = outcome.call();
        List<String> causes = new ArrayList<>();
        call.policy().integration().ifPresent(name -> {
            IntegrationLimits configured = limits == null ? null : limits.get(name);
            if (configured != null) {
                causes.add("a " + name + " slot or permit (" + describe(configured) + ")");
            } else if (limits == null) {
                causes.add("the " + name + " integration's limits");
            }
        });
        if (call.policy().isExclusive()) {
            causes.add("its turn to run alone (a write with no resource key)");
        } else if (!call.keys().isEmpty()) {
            causes.add("the lock on " + call.keys().stream().map(ResourceKey::text).collect(Collectors.joining(", ")));
        }
        if (causes.isEmpty()) {
            causes.add("a free tool thread or a concurrency cap");
        }
        return String.join(" or ", causes);
    }

    /** @return the limits in words: "at most 2 at once, 5 per 1 s" */
    static String describe(IntegrationLimits limits) {
        List<String> parts = new ArrayList<>();
        limits.maxConcurrent().ifPresent(max -> parts.add("at most " + max + " at once"));
        for (IntegrationLimits.Rate rate : limits.rates()) {
            parts.add(rate.permits() + " per " + duration(rate.period()));
        }
        if (!limits.perKeyRates().isEmpty()) {
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
