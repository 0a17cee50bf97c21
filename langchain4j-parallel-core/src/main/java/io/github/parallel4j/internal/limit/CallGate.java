package io.github.parallel4j.internal.limit;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;

/**
 * Applies limits to calls: the concurrency slots a call must hold while it runs, and the pacing (rate permits,
 * pauses after an upstream 429) it must pass just before it starts. Nothing here blocks a thread.
 */
@Internal
public interface CallGate {

    /** A gate with no limits. */
    CallGate OPEN = new CallGate() {
        @Override
        public List<FairSlots> slots(PlannedCall call) {
            return List.of();
        }

        @Override
        public FairSlots global() {
            return null;
        }

        @Override
        public long estimate(PlannedCall call, Object rateLimitKey, long deadlineNanos) {
            return 0;
        }

        @Override
        public void pace(PlannedCall call, Object rateLimitKey, long deadlineNanos, HoldLog log) {}

        @Override
        public RateHold rateHold(PlannedCall call, Object rateLimitKey) {
            return new RateHold(HeldBy.RATE, call.policy() == null ? null : call.policy().integration().orElse(null));
        }

        @Override
        public void slowDown(PlannedCall call, Object rateLimitKey, Duration retryAfter, Ticker ticker) {}

        @Override
        public long pausedNanos(PlannedCall call, long deadlineNanos) {
            return 0;
        }
    };

    /**
     * The concurrency slots of the call's integration that it must hold while it runs. The scheduler takes every
     * call's resources in one order, so that no two calls can wait for each other: resource-key locks, its turn's
     * cap, these, the wait for a rate permit ({@link #estimate}), and last the JVM-wide {@link #global()} slot, all without
     * blocking a thread; it releases them when the call ends.
     *
     * @param call the call
     * @return the slots, possibly none
     */
    List<FairSlots> slots(PlannedCall call);

    /**
     * The JVM-wide cap on running calls, taken last, just before a call is given a thread: a call waiting for a
     * lock, another cap or a permit never holds one of its slots.
     *
     * @return the cap, or null for none
     */
    FairSlots global();

    /**
     * How long until the call could start (a rate permit; the end of a pause after an upstream 429), without
     * consuming anything: the scheduler waits that out on a timer, holding no thread and no JVM-wide slot, and
     * then asks {@link #pace} on the call's thread. Must be short and must not block.
     *
     * @param call the call
     * @param rateLimitKey the key of per-key rate limits (a conversation, a tenant), or null
     * @param deadlineNanos the turn's deadline on the gate's time source, or {@link Long#MAX_VALUE} for none
     * @return nanoseconds to wait, 0 for at once
     * @throws LimitRefusal when the call could not start before the deadline
     */
    long estimate(PlannedCall call, Object rateLimitKey, long deadlineNanos) throws LimitRefusal;

    /**
     * Takes the call's rate permit on its thread, just before it starts, waiting at most until {@code
     * deadlineNanos}: permits are consumed when the requests are really made, so the call's pacing stays in step
     * with the upstream's however long the hop to a thread took. The scheduler passes a deadline a few
     * milliseconds away and, when no permit comes by then, gives the thread up and waits on the timer again.
     * Writes down how long the thread waited for its permit, when it did, naming the rate (or pause) that made it
     * wait. Required of every gate, so that a gate wrapping another cannot drop the wait silently.
     *
     * @param call the call
     * @param rateLimitKey the key of per-key rate limits, or null
     * @param deadlineNanos the latest moment to start, on the gate's time source
     * @param log where to write the wait
     * @throws LimitRefusal when no permit comes before the deadline; nothing is consumed
     * @throws InterruptedException when interrupted while waiting; nothing is consumed
     */
    void pace(PlannedCall call, Object rateLimitKey, long deadlineNanos, HoldLog log)
            throws LimitRefusal, InterruptedException;

    /**
     * An upstream refused the call for its rate: slow down the call's integration for {@code retryAfter}, and
     * give back the rate permit the call used, since the upstream did not count the refused request.
     *
     * @param call the refused call
     * @param rateLimitKey the key of per-key rate limits the call was paced under, or null
     * @param retryAfter how long the upstream asked to wait
     * @param ticker the scheduler's time source
     */
    void slowDown(PlannedCall call, Object rateLimitKey, Duration retryAfter, Ticker ticker);

    /**
     * How long the call's integration stays paused after an upstream 429: the scheduler waits that out on a timer
     * before the call takes any slot, so that paused calls hold no capacity.
     *
     * @param call the call
     * @param deadlineNanos the turn's deadline on the gate's time source, or {@link Long#MAX_VALUE} for none
     * @return nanoseconds of pause left, 0 when none
     * @throws LimitRefusal when the pause lasts past the deadline: the call cannot run in its turn
     */
    long pausedNanos(PlannedCall call, long deadlineNanos) throws LimitRefusal;

    /**
     * What a wait {@link #estimate} asked for is for, named right when the scheduler starts waiting it out, so that
     * it can write down what held the call: a pause after an upstream 429, or which rate.
     *
     * @param step {@link HeldBy#PAUSE} or {@link HeldBy#RATE}
     * @param on the integration, or the rate (e.g. {@code jira per key 'tenant-7'})
     */
    record RateHold(HeldBy step, String on) {}

    /**
     * Names the wait {@link #estimate} just asked the call for (the longest of its pause and its rates, as estimate
     * weighs them), consuming nothing. Called only when there is one; may allocate. Required of every gate, so that a
     * gate wrapping another cannot lose the per-key name silently.
     *
     * @param call the call
     * @param rateLimitKey the key of per-key rate limits, or null
     * @return what the wait is for
     */
    RateHold rateHold(PlannedCall call, Object rateLimitKey);

    /**
     * What the call must take of limits shared outside the JVM, after its in-JVM caps and before its rate wait:
     * the scheduler starts it with {@link Admission#share}. Must not throw; must not block.
     *
     * @param call the call
     * @param rateLimitKey the key of per-key rate limits, or null
     * @param deadlineNanos the turn's deadline on the gate's time source, or {@link Long#MAX_VALUE} for none
     * @param keys the call's resource keys (sorted) with whether it writes them
     * @return the hold, or null when nothing is shared for this call
     */
    default SharedHold shared(PlannedCall call, Object rateLimitKey, long deadlineNanos,
            SortedMap<String, Boolean> keys) {
        return null;
    }
}
