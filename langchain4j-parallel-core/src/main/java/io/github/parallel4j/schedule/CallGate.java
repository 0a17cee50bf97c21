package io.github.parallel4j.schedule;

import io.github.parallel4j.Ticker;
import io.github.parallel4j.limit.FairSlots;
import io.github.parallel4j.plan.PlannedCall;
import java.time.Duration;
import java.util.List;

/**
 * Applies limits to calls: the concurrency slots a call must hold while it runs, and the pacing (rate permits,
 * pauses after an upstream 429) it must pass just before it starts.
 */
public interface CallGate {

    /** A gate with no limits. */
    CallGate OPEN = new CallGate() {
        @Override
        public List<FairSlots> slots(PlannedCall call) {
            return List.of();
        }

        @Override
        public void pace(PlannedCall call, Object partition, long deadlineNanos, Ticker ticker) {}

        @Override
        public void slowDown(PlannedCall call, Object partition, Duration retryAfter, Ticker ticker) {}

        @Override
        public long pausedNanos(PlannedCall call) {
            return 0;
        }
    };

    /**
     * The concurrency slots the call must hold while it runs: its integration's, then the JVM-wide cap's. The
     * scheduler takes its turn's cap first and then these, in this order, for every call (so that no two calls can
     * wait for each other), without blocking a thread, and releases them when the call ends.
     *
     * @param call the call
     * @return the slots, possibly none
     */
    List<FairSlots> slots(PlannedCall call);

    /**
     * Waits until the call may start: a rate permit, the end of a pause. Called on the call's thread.
     *
     * @param call the call
     * @param partition the key of per-key rate limits (a conversation, a tenant), or null
     * @param deadlineNanos the turn's deadline on {@code ticker}, or {@link Long#MAX_VALUE} for none
     * @param ticker the scheduler's time source
     * @throws CallFailure when the call may not start before the deadline ({@code RATE_LIMITED}); nothing is
     *     consumed then
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void pace(PlannedCall call, Object partition, long deadlineNanos, Ticker ticker)
            throws CallFailure, InterruptedException;

    /**
     * An upstream refused the call for its rate: slow down the call's integration for {@code retryAfter}, and
     * give back the rate permit the call used, since the upstream did not count the refused request.
     *
     * @param call the refused call
     * @param partition the key of per-key rate limits the call was paced under, or null
     * @param retryAfter how long the upstream asked to wait
     * @param ticker the scheduler's time source
     */
    void slowDown(PlannedCall call, Object partition, Duration retryAfter, Ticker ticker);

    /**
     * How long the call's integration stays paused after an upstream 429: the scheduler waits that out on a timer
     * before the call takes any slot, so that paused calls hold no capacity.
     *
     * @param call the call
     * @return nanoseconds of pause left, 0 when none
     */
    long pausedNanos(PlannedCall call);
}
