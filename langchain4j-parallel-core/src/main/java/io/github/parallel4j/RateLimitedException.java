package io.github.parallel4j;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a tool when the system it calls refused the request for its rate (HTTP 429), so nothing happened.
 *
 * <p>The library then pauses the tool's integration for {@code retryAfter} (every call to it waits), and runs the
 * call again after that delay if the turn's budget allows, up to the configured number of times
 * ({@code ParallelToolsBuilder#rateLimitRetries}). When it cannot, the call's observation is
 * {@code RATE_LIMITED}. Because the request was refused, this applies to writes too. A retry-after longer than a
 * day (a misparsed header, {@code Duration.ofSeconds(Long.MAX_VALUE)}) is never waited for, with a budget or
 * without: the call is {@code RATE_LIMITED} at once and the integration pauses for the default second only.
 *
 * <pre>{@code
 * if (response.statusCode() == 429) {
 *     throw new RateLimitedException("Jira is rate limiting", retryAfterHeader(response));
 * }
 * }</pre>
 */
public class RateLimitedException extends RuntimeException {

    /** @serial how long the upstream asked to wait, or null */
    private final Duration retryAfter;

    /**
     * @param message what the upstream said
     * @param retryAfter how long to wait before calling again (the {@code Retry-After} header), or null if not
     *     given (the library then waits one second)
     */
    public RateLimitedException(String message, Duration retryAfter) {
        super(message);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /**
     * @param message what the upstream said
     */
    public RateLimitedException(String message) {
        this(message, null);
    }

    /** @return how long the upstream asked to wait, if it said */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
