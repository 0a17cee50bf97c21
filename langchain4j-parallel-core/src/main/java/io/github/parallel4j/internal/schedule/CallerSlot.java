package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.Internal;

/**
 * The one call that the thread starting a turn may run itself, instead of handing it to a tool thread and then
 * parking until that thread hands the outcome back: one thread less per turn and no hop there and back, which is
 * all of a one-call turn's overhead on a machine where waking a thread is dear.
 *
 * <p>Only where nothing is promised that a thread inside a tool would break: a turn without a budget, a call without
 * its own timeout (either is a promise that the outcome comes on time even when a tool ignores its interrupt, and a
 * thread inside such a tool could not return), on the library's own executor (a user's executor may do more around a
 * task than run it), and never on a thread that streams (a streamed call must not hold up the stream). Every other
 * call still goes to a tool thread, launched with the others its pass made ready ({@link Launches}).
 *
 * <p>Use: {@link #open()} on the thread that may start a turn, before it plans; while it is open, the first call that
 * turn admits on this thread is held here instead of being submitted ({@link #offer}); then, once the turn is started
 * and registered, {@link #runHere()} runs it on this thread, or, should starting fail part way, {@link #handOff()}
 * submits it after all, so that a held call is never lost. Slots are closed in the reverse order of their opening,
 * on the thread that opened them: no other thread sees one.
 */
@Internal
public final class CallerSlot {

    private static final ThreadLocal<CallerSlot> OPEN = new ThreadLocal<>();

    /** The slot this one hides while it is open (an AI service called from inside another's start), or null. */
    private final CallerSlot outer;
    /** The turn whose call it may hold: the first this thread starts while it is open. */
    private TurnRun turn;
    private Attempt held;
    private boolean closed;

    private CallerSlot(CallerSlot outer) {
        this.outer = outer;
    }

    /**
     * Opens a slot on this thread; one opened while another is open (an AI service called on this thread while it
     * starts another's turn) hides the first until it is closed, so that each turn's call is held in its own.
     *
     * @return the slot, to run or hand off
     */
    public static CallerSlot open() {
        CallerSlot slot = new CallerSlot(OPEN.get());
        OPEN.set(slot);
        return slot;
    }

    /** Binds this thread's open slot, if it is not bound yet, to the turn this thread is starting. */
    static void starting(TurnRun run) {
        CallerSlot slot = OPEN.get();
        if (slot != null && slot.turn == null) {
            slot.turn = run;
        }
    }

    /**
     * Holds an attempt for the current thread to run, if it has an open slot that holds nothing yet and is bound to
     * the attempt's turn.
     *
     * @return whether it is held (and must not be submitted)
     */
    static boolean offer(Attempt attempt) {
        CallerSlot slot = OPEN.get();
        if (slot == null || slot.held != null || slot.turn != attempt.turn) {
            return false; // not another turn's call, which this thread may have let go on while starting its own
        }
        slot.held = attempt;
        return true;
    }

    /**
     * Closes the slot and runs the call it holds, if any, on this thread: its turn's context installed (unless it was
     * captured on this thread, which has it), its tool under the turn's locks and slots, its outcome recorded as a tool
     * thread's would be. A call the turn closed
     * meanwhile ends at once, without running. When the tool stopped because this thread was interrupted by someone
     * other than the library (the AI service's caller cancelling), the interrupt is kept on the thread, so that the
     * wait for the outcomes that follows sees it and cancels the invocation as it would have had the thread been
     * waiting all along. A thread interrupted already hands the call to a tool thread instead.
     *
     * @return whether this thread is interrupted now: its caller is cancelling the AI service invocation, which the
     *     wait for an outcome that is complete already would not notice
     */
    public boolean runHere() {
        Attempt attempt = close();
        if (attempt != null && Thread.currentThread().isInterrupted()) {
            attempt.submitAfterAll(); // interrupted before it started: the invocation is being cancelled
        } else if (attempt != null) {
            attempt.runOnCaller();
        }
        return Thread.currentThread().isInterrupted();
    }

    /** Closes the slot and submits the call it holds, if any, to the tool executor, as if it had never been held. */
    public void handOff() {
        Attempt attempt = close();
        if (attempt != null) {
            attempt.submitAfterAll();
        }
    }

    private Attempt close() {
        if (!closed) {
            closed = true;
            OPEN.set(outer); // even null, not remove(): the thread's next turn finds its entry (see ToolCallContext)
        }
        Attempt attempt = held;
        held = null;
        return attempt;
    }
}
