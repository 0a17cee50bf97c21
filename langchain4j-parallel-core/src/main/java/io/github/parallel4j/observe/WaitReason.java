package io.github.parallel4j.observe;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.IntegrationLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
     * @param call a call that started
     * @param limits the integrations' limits, or null when the page was not told them
     * @return e.g. "a datadog slot or permit (at most 2 at once)", or null when it did not wait (10 ms or more)
     */
    static String of(CallReport call, Map<String, IntegrationLimits> limits) {
        if (!call.started() || call.waitedNanos() < NOTABLE_NANOS) {
            return null;
        }
        List<String> causes = new ArrayList<>();
        String name = call.integration();
        if (name != null) {
            IntegrationLimits configured = limits == null ? null : limits.get(name);
            if (configured != null) {
                causes.add("a " + name + " slot or permit (" + describe(configured) + ")");
            } else if (limits == null) {
                causes.add("the " + name + " integration's limits");
            }
        }
        if (call.exclusive()) {
            causes.add("its turn to run alone (a write with no resource key)");
        } else if (!call.resourceKeys().isEmpty()) {
            causes.add("the lock on " + String.join(", ", call.resourceKeys()));
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
