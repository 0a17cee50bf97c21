package io.github.parallel4j.schedule;

import io.github.parallel4j.plan.PlannedCall;

/**
 * Admits a call once its limits allow it (concurrency caps, rate limits), after its predecessors are done and
 * its resource locks are held, just before it runs.
 */
@FunctionalInterface
public interface CallGate {

    /** A gate that admits every call at once. */
    CallGate OPEN = (call, deadlineNanos, ticker) -> () -> {};

    /**
     * Waits until the call may run.
     *
     * @param call the call
     * @param deadlineNanos the turn's deadline on {@code ticker}, or {@link Long#MAX_VALUE} for none
     * @param ticker the scheduler's time source
     * @return what to release when the call ends
     * @throws CallFailure when the call may not run (for instance, no rate permit before the deadline)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Permit admit(PlannedCall call, long deadlineNanos, io.github.parallel4j.Ticker ticker)
            throws CallFailure, InterruptedException;

    /** Held while the call runs; released exactly once when it ends. */
    @FunctionalInterface
    interface Permit {
        /** Releases what was acquired. */
        void release();
    }
}
