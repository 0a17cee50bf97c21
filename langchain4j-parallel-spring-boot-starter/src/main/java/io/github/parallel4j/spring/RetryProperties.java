package io.github.parallel4j.spring;

import java.time.Duration;

/** Retries with exponential backoff and jitter. */
public class RetryProperties {

    /** Attempts in all, the first included (at least 2). */
    private int maxAttempts = 3;

    /** The backoff before the first retry; it doubles after each. */
    private Duration initialBackoff = Duration.ofMillis(200);

    /** The longest backoff (the same default as {@code @Retry}'s). */
    private Duration maxBackoff = Duration.ofSeconds(5);

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }
}
