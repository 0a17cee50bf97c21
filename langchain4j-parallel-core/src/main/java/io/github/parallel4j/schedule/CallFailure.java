package io.github.parallel4j.schedule;

import io.github.parallel4j.ErrorCode;
import java.util.Objects;

/**
 * Thrown by a {@link CallRunner} or a {@link CallGate} to end a call with a specific {@link ErrorCode} and a
 * message meant for the model.
 */
public final class CallFailure extends Exception {

    /** @serial the error code */
    private final ErrorCode code;

    /**
     * @param code the error code
     * @param message what went wrong, for the model
     * @param cause the underlying exception, kept for handlers and logs, or null
     */
    public CallFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** @return the error code */
    public ErrorCode code() {
        return code;
    }
}
