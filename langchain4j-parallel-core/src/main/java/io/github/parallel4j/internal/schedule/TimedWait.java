package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.Ticker;
import java.util.concurrent.ScheduledFuture;

/**
 * A call's wait on the shared timer before its next attempt: a pause of its integration after an upstream 429, or a
 * retry's backoff. It is kept on the call ({@link CallState#timed}) while it lasts, so that it is written down
 * exactly once: by the timer task when it fires, or by the turn when it closes first, which also cancels the task.
 *
 * <p>Its fields are guarded by the turn's monitor.
 */
final class TimedWait {

    private final HeldBy step;
    private final String on;
    private final long since;
    /** The timer task, once the timer took it; null before. */
    private ScheduledFuture<?> task;

    private TimedWait(HeldBy step, String on, long since) {
        this.step = step;
        this.on = on;
        this.since = since;
    }

    /**
     * Waits on the timer, then writes the wait down and runs {@code then}; nothing when the turn closed first.
     *
     * @param turn the call's turn
     * @param state the call
     * @param step what holds it meanwhile: {@link HeldBy#PAUSE} or {@link HeldBy#RETRY}
     * @param on what of it (the integration), or null
     * @param then the next step
     * @param delayNanos how long
     * @throws RuntimeException when the timer refuses the task (nothing is kept then)
     */
    static void start(TurnRun turn, CallState state, HeldBy step, String on, Runnable then, long delayNanos) {
        Ticker ticker = turn.scheduler.ticker();
        TimedWait wait = new TimedWait(step, on, ticker.read());
        synchronized (turn) {
            state.timed = wait;
        }
        ScheduledFuture<?> task;
        try {
            task = turn.scheduler.schedule(() -> {
                if (wait.end(turn, state)) {
                    state.held(step, on, wait.since, ticker.read());
                    then.run();
                }
            }, delayNanos);
        } catch (RuntimeException e) {
            wait.end(turn, state);
            throw e;
        }
        synchronized (turn) {
            wait.task = task;
        }
    }

    /** @return whether this wait was still the call's, which it no longer is: only one of the task and close wins */
    private boolean end(TurnRun turn, CallState state) {
        synchronized (turn) {
            if (state.timed != this) {
                return false;
            }
            state.timed = null;
            return true;
        }
    }

    /**
     * The turn closed while the call waited on the timer: writes the wait down up to the close and cancels the task.
     * Called holding the turn's monitor.
     *
     * @param state the call
     * @param at when the turn closed, on the scheduler's ticker
     */
    static void closed(CallState state, long at) {
        TimedWait wait = state.timed;
        if (wait == null) {
            return;
        }
        state.timed = null;
        state.held(wait.step, wait.on, wait.since, at);
        if (wait.task != null) {
            wait.task.cancel(false);
        }
    }
}
