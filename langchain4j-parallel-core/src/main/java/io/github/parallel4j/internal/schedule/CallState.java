package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.limit.HoldLog;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.concurrent.CompletableFuture;

/**
 * One call of a running turn: its outcome, when it became ready, what held it back, and the bookkeeping of its
 * attempts. The counters and flags are guarded by the turn's monitor ({@link TurnRun}); the outcome, ready time and
 * holds are safe to use from any thread.
 */
final class CallState implements HoldLog {

    final PlannedCall call;
    /** Completed exactly once. */
    final CompletableFuture<CallOutcome> outcome = new CompletableFuture<>();
    /** When it became ready, on the turn's clock (nanoseconds since the turn started); -1 until then. */
    private volatile long readyAt = -1;
    /** When it joined the turn, on the turn's clock: 0 for a planned batch's calls, its arrival for a streamed one. */
    volatile long arrivedAt;
    /** A streamed call's wait for a name that turned out to be text: until the message closed (turn clock), or -1. */
    volatile long textUntil = -1;
    /** That name, and any other it waited for as well (joined); null when none. */
    volatile String textOn;
    /** What held it back, made when a step first does; null while nothing has. */
    private volatile CallHolds holds;
    /** When its turn closed before its outcome, on the scheduler's ticker; no wait lasts past it. Guarded by this. */
    private long sealedAt = Long.MAX_VALUE;

    // Guarded by the turn's monitor.
    /** Its live attempt, or null between attempts (and after a timeout abandoned one). */
    Attempt current;
    /** Attempts made so far. */
    int attempts;
    /** Retries after a failure so far. */
    int retries;
    /** Runs again after an upstream 429 so far. */
    int rateLimitRuns;
    /** Waiting (on the timer) to be run again. */
    boolean waitingAgain;
    /** Its wait on the timer before its next attempt (a pause, a backoff), or null. */
    TimedWait timed;
    /** Its own outcome is being written by the thread that ended its last attempt. */
    boolean finishing;

    CallState(PlannedCall call) {
        this.call = call;
    }

    /**
     * The outcome of a call its turn closed before it finished, saying how far it had come. Called holding the
     * turn's monitor.
     *
     * @param code {@code BUDGET_EXCEEDED} or {@code CANCELLED}
     * @param reason why the turn closed, for the model
     * @param now the turn's clock
     * @return the outcome
     */
    CallOutcome closedOutcome(ErrorCode code, String reason, long now) {
        Attempt a = current;
        String what;
        long start = -1;
        if (a != null && a.started && a.thread != null) {
            what = " while the call was running; it was interrupted and its result discarded";
            start = a.startNanos;
        } else if (waitingAgain) {
            what = " while the call waited to be run again after attempt " + attempts + "; it was not";
        } else {
            what = " before the call could start; it did not run";
        }
        return CallOutcome.failure(call, code, reason + what, null, readyAt, start, now, attempts);
    }

    /**
     * Counts what the next step after an attempt uses up, and marks the call finishing or waiting to run again.
     * Called holding the turn's monitor.
     *
     * @return whether it spends one of the turn's retries
     */
    boolean spend(RetryDecision next) {
        boolean turnRetry = false;
        switch (next.spends()) {
            case A_RETRY -> {
                retries++;
                turnRetry = true;
            }
            case A_RATE_LIMIT_RUN -> rateLimitRuns++;
            case NOTHING -> { }
        }
        if (next.isFinal()) {
            finishing = true;
        } else {
            waitingAgain = true;
        }
        return turnRetry;
    }

    @Override
    public void held(HeldBy step, String on, long since, long until) {
        if (until > since) {
            holds().held(step, on, since, until);
        }
    }

    /**
     * Seals what held the call at its outcome, decided by its turn closing: no wait counts past {@code at} (on the
     * scheduler's ticker), neither one a step withdrawn afterwards writes down nor one a step that let the call go
     * between the close taking its instant and this seal wrote down ending after it ({@link CallHolds}).
     */
    synchronized void seal(long at) {
        sealedAt = Math.min(sealedAt, at); // a call that nothing held gets no record of holds for it
        CallHolds h = holds;
        if (h != null) {
            h.seal(at);
        }
    }

    private CallHolds holds() {
        CallHolds h = holds;
        if (h == null) {
            synchronized (this) {
                h = holds;
                if (h == null) {
                    h = new CallHolds();
                    h.seal(sealedAt);
                    holds = h;
                }
            }
        }
        return h;
    }

    /** @return the outcome with what held the call back written into it (the same outcome when nothing did) */
    CallOutcome withHolds(CallOutcome outcome) {
        CallHolds h = holds;
        return h == null ? outcome : outcome.withHolds(h.nanos(), h.on());
    }

    int index() {
        return call.index();
    }

    long readyAt() {
        return readyAt;
    }

    void readyAt(long nanos) {
        readyAt = nanos;
    }

    boolean isDone() {
        return outcome.isDone();
    }
}
