package io.github.parallel4j.internal.limit;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.internal.Internal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Bucket4j bandwidth in words, the one way every message and {@code toString} writes one: "5 per PT1S" for a
 * rate as {@code IntegrationLimits.Builder.rate} makes it (capacity equal to the refill, refilled greedily, full at
 * start), and what differs from that for any other: "5 per PT1S, up to 10 at once, refilled all at once each
 * period, starts with 0, id 'burst'".
 */
@Internal
public final class BandwidthWords {

    private BandwidthWords() {}

    /**
     * @param bandwidths the bandwidths of {@code IntegrationLimits#bandwidths()} or its per-key ones
     * @return each in words, separated by "; "; empty for none
     */
    public static String describe(List<Bandwidth> bandwidths) {
        return bandwidths.stream().map(BandwidthWords::describe).collect(Collectors.joining("; "));
    }

    /**
     * @param b a bandwidth
     * @return it in words
     */
    public static String describe(Bandwidth b) {
        List<String> parts = new ArrayList<>(5);
        parts.add(b.getRefillTokens() + " per " + Duration.ofNanos(b.getRefillPeriodNanos()));
        if (b.getCapacity() != b.getRefillTokens()) {
            parts.add("up to " + b.getCapacity() + " at once");
        }
        if (b.isRefillIntervally()) {
            parts.add(b.isIntervallyAligned() ? "refilled all at once each period, aligned to a fixed start"
                    : "refilled all at once each period");
        }
        if (b.isUseAdaptiveInitialTokens()) {
            parts.add("starts with the tokens due since its aligned start");
        } else if (b.getInitialTokens() != b.getCapacity()) {
            parts.add("starts with " + b.getInitialTokens());
        }
        if (b.hasId()) {
            parts.add("id '" + b.getId() + "'");
        }
        return String.join(", ", parts);
    }
}
