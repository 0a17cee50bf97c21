package io.github.parallel4j.spring;

import io.github.parallel4j.annotation.Retry;
import java.time.Duration;

/**
 * Retries with exponential backoff and jitter, for a tool whose {@code on-failure} is {@code retry}. Each setting
 * left out takes {@link Retry}'s default; setting one for a tool that does not retry fails at start-up.
 */
public class RetryProperties {

    /** Attempts in all, the first included (at least 2). Default 3, as {@code @Retry}'s. */
    private Integer maxAttempts;

    /** The backoff before the first retry; it doubles after each. Default 200ms, as {@code @Retry}'s. */
    private Duration initialBackoff;

    /** The longest backoff. Default 5s, as {@code @Retry}'s. */
    private Duration maxBackoff;

    /** @return whether any retry setting was given */
    boolean isSet() {
        return maxAttempts != null || initialBackoff != null || maxBackoff != null;
    }

    /** @return the attempts, or {@code @Retry}'s default when not set */
    int maxAttemptsOrDefault() {
        return maxAttempts != null ? maxAttempts : Retry.DEFAULT_MAX_ATTEMPTS;
    }

    /** @return the first backoff, or {@code @Retry}'s default when not set */
    Duration initialBackoffOrDefault() {
        return initialBackoff != null ? initialBackoff : Duration.ofMillis(Retry.DEFAULT_BACKOFF_MILLIS);
    }

    /** @return the longest backoff, or {@code @Retry}'s default when not set */
    Duration maxBackoffOrDefault() {
        return maxBackoff != null ? maxBackoff : Duration.ofMillis(Retry.DEFAULT_MAX_BACKOFF_MILLIS);
    }

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
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
