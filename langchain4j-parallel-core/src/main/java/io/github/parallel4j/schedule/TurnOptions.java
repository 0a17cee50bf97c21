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
 */
public record TurnOptions(Duration budget, ReadWriteLock scope) {

    public TurnOptions {
        if (budget != null && (budget.isNegative() || budget.isZero())) {
            throw new IllegalArgumentException("A turn budget must be positive, was " + budget);
        }
    }
}
