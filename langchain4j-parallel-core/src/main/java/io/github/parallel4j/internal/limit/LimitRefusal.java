package io.github.parallel4j.internal.limit;

import io.github.parallel4j.ErrorCode;

/**
 * Thrown by a {@link CallGate} when a call cannot get what its limits require in time: no rate permit before the
 * turn's deadline, or its integration paused (after an upstream 429) until after it. Nothing was consumed; the
 * scheduler answers the call {@code RATE_LIMITED} with this message, which is written for the model.
 */
public final class LimitRefusal extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message why the call did not run, for the model
     */
    public LimitRefusal(String message) {
        super(message, null, false, false);
    }

    /** @return the error code the call is answered with: always {@link ErrorCode#RATE_LIMITED} */
    public ErrorCode code() {
        return ErrorCode.RATE_LIMITED;
    }

    /**
     * The refusal for an integration paused after an upstream 429 until after the turn's deadline.
     *
     * @param integration the paused integration's name
     * @return the refusal
     */
    static LimitRefusal pausedPastBudget(String integration) {
        return new LimitRefusal("integration '" + integration + "' is paused after an upstream rate limit (429)"
                + " until after the turn's budget runs out; the call did not run");
    }
}
