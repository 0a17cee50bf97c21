package io.github.parallel4j.spring;

import java.time.Duration;

/**
 * A rate: at most {@code permits} calls per {@code period}. With only those two set it is
 * {@code IntegrationLimits.Builder#rate(permits, period)}: a bucket of capacity {@code permits}, refilled greedily and
 * full at start. {@code capacity}, {@code refill} and {@code initial-tokens} make it any Bucket4j bandwidth of that
 * refill ({@code IntegrationLimits.Builder#bandwidth}).
 */
public class RateProperties {

    /** How a bucket refills its permits over the period. */
    public enum Refill {
        /** Bit by bit, as soon as a fraction of a permit is due (Bucket4j's refillGreedy). */
        GREEDY,
        /** All the period's permits at once, when the period ends (Bucket4j's refillIntervally). */
        INTERVALLY
    }

    /** How many calls each period allows. */
    private Long permits;

    /** The period over which the permits refill. */
    private Duration period;

    /** The most permits the bucket holds, so the largest burst; at least 1. Default: permits. */
    private Long capacity;

    /** How the permits refill: greedy (bit by bit) or intervally (all at once when the period ends). Default greedy. */
    private Refill refill;

    /** How many permits the bucket holds at start, from 0 to the capacity. Default: the capacity (full). */
    private Long initialTokens;

    public Long getPermits() {
        return permits;
    }

    public void setPermits(Long permits) {
        this.permits = permits;
    }

    public Duration getPeriod() {
        return period;
    }

    public void setPeriod(Duration period) {
        this.period = period;
    }

    public Long getCapacity() {
        return capacity;
    }

    public void setCapacity(Long capacity) {
        this.capacity = capacity;
    }

    public Refill getRefill() {
        return refill;
    }

    public void setRefill(Refill refill) {
        this.refill = refill;
    }

    public Long getInitialTokens() {
        return initialTokens;
    }

    public void setInitialTokens(Long initialTokens) {
        this.initialTokens = initialTokens;
    }

    /** @return whether anything beyond permits and period is set, so the rate is a bandwidth of its own */
    boolean isBandwidth() {
        return capacity != null || refill != null || initialTokens != null;
    }
}
