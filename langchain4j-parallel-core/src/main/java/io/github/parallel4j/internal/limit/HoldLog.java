package io.github.parallel4j.internal.limit;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.internal.Internal;

/**
 * Where the steps of a call's way to a thread write down what held it back, as each step lets it through: the lock's
 * line, the cap's queue, the timer it waited on. A step that lets a call through at once writes nothing, so a call
 * that never waits costs no more than a branch.
 *
 * <p>Internal: public only so that the scheduler's package can implement it. Implementations are thread-safe and
 * take no lock but their own (steps may call them holding a lock table's monitor).
 */
@Internal
public interface HoldLog {

    /** Writes nothing. */
    HoldLog NONE = (step, on, since, until) -> {};

    /**
     * @param step what held the call
     * @param on what of it (a key, an integration, a call's id), or null when the step has no name
     * @param since when it began to hold the call, on the scheduler's ticker
     * @param until when it let the call through (or the call was withdrawn from it), on the same ticker; nothing is
     *     written when it is not after {@code since}
     */
    void held(HeldBy step, String on, long since, long until);
}
