package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * Settings of one turn.
 *
 * @param budget the turn's wall-clock budget, or null for none
 * @param invocationLock a lock shared by every turn of one AI service invocation: exclusive calls take it for writing,
 *     others for reading, so an exclusive write runs alone even among calls that arrive one at a time; null for
 *     none
 * @param key a name for the turn, stable for its lifetime and unique among turns (the invocation id and the
 *     message's number); idempotency keys derive from it; null for a random one
 * @param maxConcurrent the most calls of this turn that may run at once; 0 for no cap
 * @param maxRetries the most retries (of all calls together) this turn may make
 * @param rateLimitRetries the most times one call is run again after an upstream 429
 * @param rateLimitKey the key of per-key rate limits (a conversation, a tenant), or null for none
 * @param maxRetryAfter the longest retry-after of an upstream that is waited for; a longer one answers the call
 *     {@code RATE_LIMITED} at once and pauses its integration for this long only
 */
@Internal
public record TurnOptions(Duration budget, ReadWriteLock invocationLock, String key, int maxConcurrent, int maxRetries,
        int rateLimitRetries, Object rateLimitKey, Duration maxRetryAfter) {

    public TurnOptions {
        if (budget != null && (budget.isNegative() || budget.isZero())) {
            throw new IllegalArgumentException("A turn budget must be positive, was " + budget);
        }
        if (maxConcurrent < 0 || maxRetries < 0 || rateLimitRetries < 0) {
            throw new IllegalArgumentException("Turn limits must not be negative");
        }
        if (maxRetryAfter == null || maxRetryAfter.isNegative() || maxRetryAfter.isZero()) {
            throw new IllegalArgumentException("maxRetryAfter must be positive, was " + maxRetryAfter);
        }
    }

    /**
     * Options with the default longest retry-after ({@link Durations#DEFAULT_MAX_RETRY_AFTER}).
     *
     * @param budget the turn's budget, or null for none
     * @param invocationLock the invocation's lock, or null
     * @param key the turn's name, or null
     * @param maxConcurrent the per-turn cap, 0 for none
     * @param maxRetries the turn's retries
     * @param rateLimitRetries runs after an upstream 429 per call
     * @param rateLimitKey the per-key rate key, or null
     */
    public TurnOptions(Duration budget, ReadWriteLock invocationLock, String key, int maxConcurrent, int maxRetries,
            int rateLimitRetries, Object rateLimitKey) {
        this(budget, invocationLock, key, maxConcurrent, maxRetries, rateLimitRetries, rateLimitKey,
                Durations.DEFAULT_MAX_RETRY_AFTER);
    }

    /**
     * Options with only a budget and an invocation lock, and the defaults for the rest: no per-turn cap, 10 retries
     * per turn, 3 runs after an upstream 429 per call.
     *
     * @param budget the budget, or null
     * @param invocationLock the invocation lock, or null
     */
    public TurnOptions(Duration budget, ReadWriteLock invocationLock) {
        this(budget, invocationLock, null, 0, 10, 3, null);
    }
}
