package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;

/**
 * A turn's time budget on the scheduler's ticker: when the turn started and when it runs out. Every question a
 * turn asks about its time (may this wait, this backoff, this retry-after still end in time? is this the last
 * window before the deadline?) is answered here, from one deadline.
 *
 * @param budget the budget, or null for none
 * @param origin the ticker reading at which the turn started
 * @param deadline {@code origin + budget} on the ticker, or {@link Long#MAX_VALUE} for none
 */
record TurnBudget(Duration budget, long origin, long deadline) {

    /**
     * @param budget the budget, or null for none
     * @param origin the ticker reading at which the turn starts
     * @return the turn's budget
     */
    static TurnBudget starting(Duration budget, long origin) {
        return new TurnBudget(budget, origin,
                budget == null ? Long.MAX_VALUE : Durations.deadline(origin, Durations.nanos(budget)));
    }

    /** @return whether the turn has a deadline */
    boolean isLimited() {
        return deadline != Long.MAX_VALUE;
    }

    /**
     * @param now a ticker reading
     * @param waitNanos a wait starting then
     * @return whether the wait would end after the deadline
     */
    boolean endsAfter(long now, long waitNanos) {
        return Durations.endsAfter(now, waitNanos, deadline);
    }

    /**
     * @param instant a ticker reading
     * @return whether the deadline has come by then
     */
    boolean reachedBy(long instant) {
        return isLimited() && instant - deadline >= 0;
    }

    /**
     * @param now a ticker reading
     * @return nanoseconds since the turn started
     */
    long elapsed(long now) {
        return now - origin;
    }

    /** @return the budget in nanoseconds; only for a limited budget */
    long nanos() {
        return Durations.nanos(budget);
    }

    /** @return why unfinished calls end when the budget runs out, for the model */
    String ranOut() {
        return "the turn's time budget of " + Durations.format(budget) + " ran out";
    }
}
