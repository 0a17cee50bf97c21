package io.github.parallel4j.internal.schedule;

/**
 * When a turn is done: every call it holds has its outcome and no call can join it any more. A planned batch holds
 * all its calls from the start; a streamed message's turn is open while its calls arrive, and {@linkplain #seal
 * sealed} once the message is complete and each of its calls has arrived, or once the turn closed (budget,
 * cancellation, fail-fast).
 *
 * <p>Thread-safe; the done action runs exactly once, outside this object's monitor.
 */
final class TurnCompletion {

    private final Runnable onDone;
    // Guarded by this.
    private int unfinished;
    private int members;
    private boolean open;
    private boolean fired;

    /**
     * @param calls how many calls the turn holds from the start
     * @param open whether more may join
     * @param onDone run once when the turn is done
     */
    TurnCompletion(int calls, boolean open, Runnable onDone) {
        this.unfinished = calls;
        this.members = calls;
        this.open = open;
        this.onDone = onDone;
    }

    /** Fires at once for a turn that starts with nothing to wait for. */
    void start() {
        fireIfDone();
    }

    /** @return how many calls the turn holds: the first ones added, since none joins once it is sealed */
    synchronized int members() {
        return members;
    }

    synchronized boolean isOpen() {
        return open;
    }

    /**
     * A call joins the turn.
     *
     * @return false when the turn is sealed: the call is not one of its calls
     */
    synchronized boolean join() {
        if (!open) {
            return false;
        }
        unfinished++;
        members++;
        return true;
    }

    /** A call that joined (or was there from the start) has its outcome. */
    void ended() {
        synchronized (this) {
            unfinished--;
        }
        fireIfDone();
    }

    /** No call joins any more. */
    void seal() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        fireIfDone();
    }

    private void fireIfDone() {
        synchronized (this) {
            if (fired || open || unfinished > 0) {
                return;
            }
            fired = true;
        }
        onDone.run();
    }
}
