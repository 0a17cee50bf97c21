package io.github.parallel4j;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.internal.limit.BandwidthWords;
import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Limits on the calls to one integration (an external system such as Jira or Datadog), shared by every turn of a
 * {@link ParallelTools}: at most {@code maxConcurrent} calls at once, and at most {@code permits} call starts per
 * {@code period} for each rate.
 *
 * <pre>{@code
 * IntegrationLimits.builder().maxConcurrent(2).rate(5, Duration.ofSeconds(1)).rate(100, Duration.ofMinutes(1)).build()
 * }</pre>
 *
 * <p>Rates added with {@link Builder#perKeyRate} apply to each conversation (or tenant) separately, on top of the
 * shared ones.
 *
 * <p>A rate is a Bucket4j bandwidth of capacity {@code permits}, refilled greedily {@code permits} per
 * {@code period}. Waiting for a slot or a permit is bounded by the turn's remaining budget: when a permit cannot
 * come in time the call gets {@code RATE_LIMITED} at once and consumes nothing.
 *
 * <p>Two limits are equal when they limit the same way: the same cap and the same bandwidths in any order (a call
 * needs a token of each, so their order changes nothing); a {@code rate(5, ofSeconds(1))} equals the greedy
 * bandwidth it stands for. {@link #toString()} writes each bandwidth in words, saying what differs from a plain
 * rate:
 *
 * <pre>{@code
 * IntegrationLimits{maxConcurrent=2, rates=[5 per PT1S; 100 per PT1M], perKeyRates=[]}
 * IntegrationLimits{maxConcurrent=unlimited, rates=[5 per PT1S, up to 10 at once, refilled all at once each period,
 *     starts with 0], perKeyRates=[2 per PT1S]}
 * }</pre>
 *
 * <p>The same words name a rate in a {@code RATE_LIMITED} call's error.
 *
 * <p>Immutable and thread-safe.
 */
public final class IntegrationLimits {

    private final Integer maxConcurrent;
    private final List<Bandwidth> bandwidths;
    private final List<Bandwidth> perKeyBandwidths;

    private IntegrationLimits(Builder builder) {
        this.maxConcurrent = builder.maxConcurrent;
        this.bandwidths = List.copyOf(builder.bandwidths);
        this.perKeyBandwidths = List.copyOf(builder.perKeyBandwidths);
    }

    /** @return a builder with no limits */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the most calls that may run at once, if capped */
    public OptionalInt maxConcurrent() {
        return maxConcurrent == null ? OptionalInt.empty() : OptionalInt.of(maxConcurrent);
    }

    /**
     * Every shared rate, in the order given: a {@link Builder#rate rate} is a bandwidth of capacity {@code permits}
     * refilled greedily {@code permits} per {@code period}, full at start; a {@link Builder#bandwidth bandwidth} is
     * as you built it.
     *
     * @return the Bucket4j bandwidths, possibly empty
     */
    public List<Bandwidth> bandwidths() {
        return bandwidths;
    }

    /** @return every rate that applies to each key (conversation or tenant) separately, as {@link #bandwidths()} */
    public List<Bandwidth> perKeyBandwidths() {
        return perKeyBandwidths;
    }

    /** Equal when the cap is the same and so are the shared and the per-key bandwidths, each in any order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof IntegrationLimits other
                && Objects.equals(maxConcurrent, other.maxConcurrent)
                && counted(bandwidths).equals(counted(other.bandwidths))
                && counted(perKeyBandwidths).equals(counted(other.perKeyBandwidths));
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxConcurrent, counted(bandwidths), counted(perKeyBandwidths));
    }

    /** @return how often each bandwidth occurs: the list without its order */
    private static Map<Bandwidth, Integer> counted(List<Bandwidth> list) {
        Map<Bandwidth, Integer> counts = new HashMap<>();
        for (Bandwidth b : list) {
            counts.merge(b, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public String toString() {
        return "IntegrationLimits{maxConcurrent=" + (maxConcurrent == null ? "unlimited" : maxConcurrent)
                + ", rates=[" + BandwidthWords.describe(bandwidths) + "], perKeyRates=["
                + BandwidthWords.describe(perKeyBandwidths) + "]}";
    }

    /** Builds {@link IntegrationLimits}; not thread-safe. */
    public static final class Builder {

        private Integer maxConcurrent;
        private final List<Bandwidth> bandwidths = new ArrayList<>();
        private final List<Bandwidth> perKeyBandwidths = new ArrayList<>();

        private Builder() {}

        /**
         * Adds any Bucket4j bandwidth, for what {@link #rate} does not say: interval refill, an initial number of
         * tokens, a bandwidth id. Shared by every call to the integration.
         *
         * <pre>{@code
         * .bandwidth(Bandwidth.builder().capacity(5).refillIntervally(5, Duration.ofSeconds(1)).initialTokens(0).build())
         * }</pre>
         *
         * @param bandwidth the bandwidth
         * @return this builder
         */
        public Builder bandwidth(Bandwidth bandwidth) {
            bandwidths.add(Objects.requireNonNull(bandwidth, "bandwidth"));
            return this;
        }

        /**
         * Adds any Bucket4j bandwidth that applies to each key separately, as {@link #perKeyRate}.
         *
         * @param bandwidth the bandwidth
         * @return this builder
         */
        public Builder perKeyBandwidth(Bandwidth bandwidth) {
            perKeyBandwidths.add(Objects.requireNonNull(bandwidth, "bandwidth"));
            return this;
        }

        /**
         * Caps how many calls to the integration run at once, across all turns; waiting calls are admitted in
         * the order they became ready.
         *
         * @param maxConcurrent at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap (the default)
         * @return this builder
         */
        public Builder maxConcurrent(int maxConcurrent) {
            if (maxConcurrent < 0) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1, or 0 for no limit, was "
                        + maxConcurrent);
            }
            this.maxConcurrent = maxConcurrent == ParallelToolsConfig.NO_LIMIT ? null : maxConcurrent;
            return this;
        }

        /**
         * Adds a rate limit; several may be combined (5 per second and 100 per minute).
         *
         * @param permits call starts allowed per period, at least 1
         * @param period the period, positive, at most about 292 years
         * @return this builder
         */
        public Builder rate(long permits, Duration period) {
            bandwidths.add(greedy(permits, period));
            return this;
        }

        /**
         * Adds a rate limit that applies to each key separately: by default each conversation (the AI service's
         * chat memory id; each AI service invocation when the method has no {@code @MemoryId}), or whatever
         * {@link ParallelToolsBuilder#rateLimitKey} derives (a tenant, a user). The buckets live in a bounded
         * Caffeine cache and are dropped once idle and full again.
         *
         * @param permits call starts allowed per period for one key, at least 1
         * @param period the period, positive, at most about 292 years
         * @return this builder
         */
        public Builder perKeyRate(long permits, Duration period) {
            perKeyBandwidths.add(greedy(permits, period));
            return this;
        }

        private static Bandwidth greedy(long permits, Duration period) {
            if (permits < 1) {
                throw new IllegalArgumentException("A rate needs at least 1 permit, was " + permits);
            }
            Objects.requireNonNull(period, "period");
            if (period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("A rate's period must be positive, was " + period);
            }
            Durations.requireRepresentable("A rate's period", period);
            return Bandwidth.builder().capacity(permits).refillGreedy(permits, period).initialTokens(permits).build();
        }

        /** @return the limits */
        public IntegrationLimits build() {
            return new IntegrationLimits(this);
        }
    }
}
