package io.github.parallel4j.spring;

import java.time.Duration;

/** A rate: at most {@code permits} calls per {@code period}. */
public class RateProperties {

    /** How many calls each period allows. */
    private Long permits;

    /** The period over which the permits refill. */
    private Duration period;

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
}
