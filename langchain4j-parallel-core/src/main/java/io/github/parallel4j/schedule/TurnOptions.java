package io.github.parallel4j.schedule;

import java.time.Duration;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * Settings of one turn.
 *
 * @param budget the turn's wall-clock budget, or null for none
 * @param scope a lock shared by every turn of one AI service invocation: exclusive calls take it for writing,
 *     others for reading, so an exclusive write runs alone even among calls that arrive one at a time; null for
 *     none
 * @param key a name for the turn, stable for its lifetime and unique among turns (the invocation id and the
 *     message's number); idempotency keys derive from it; null for a random one
 * @param maxConcurrent the most calls of this turn that may run at once; 0 for no cap
 * @param maxRetries the most retries (of all calls together) this turn may make
 * @param rateLimitRetries the most times one call is run again after an upstream 429
 * @param partition the key of per-key rate limits (a conversation, a tenant), or null for none
 */
public record TurnOptions(Duration budget, ReadWriteLock scope, String key, int maxConcurrent, int maxRetries,
        int rateLimitRetries, Object partition) {

    public TurnOptions {
        if (budget != null && (budget.isNegative() || budget.isZero())) {
            throw new IllegalArgumentException("A turn budget must be positive, was " + budget);
        }
        if (maxConcurrent < 0 || maxRetries < 0 || rateLimitRetries < 0) {
            throw new IllegalArgumentException("Turn limits must not be negative");
        }
    }

    /**
     * Options with only a budget and a scope, and the defaults for the rest: no per-turn cap, 10 retries per turn,
     * 3 runs after an upstream 429 per call.
     *
     * @param budget the budget, or null
     * @param scope the scope lock, or null
     */
    public TurnOptions(Duration budget, ReadWriteLock scope) {
        this(budget, scope, null, 0, 10, 3, null);
    }
}
