package io.github.parallel4j.internal.limit;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;

/**
 * Thrown by a {@link CallGate} when a call cannot get what its limits require in time: no rate permit before the
 * turn's deadline, or its integration paused (after an upstream 429) until after it; or, with shared limits that
 * refuse to run without their backend, the backend could not be reached. Nothing was consumed; the scheduler
 * answers the call with {@link #code()} ({@code RATE_LIMITED}, {@code LIMITS_UNAVAILABLE}) and this message, which
 * is written for the model.
 */
@Internal
public final class LimitRefusal extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param message why the call did not run, for the model
     */
    public LimitRefusal(String message) {
        this(message, ErrorCode.RATE_LIMITED);
    }

    /**
     * @param message why the call did not run, for the model
     * @param code the error code the call is answered with
     */
    public LimitRefusal(String message, ErrorCode code) {
        super(message, null, false, false);
        this.code = code;
    }

    /** @return the error code the call is answered with: {@link ErrorCode#RATE_LIMITED} unless told otherwise */
    public ErrorCode code() {
        return code;
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
