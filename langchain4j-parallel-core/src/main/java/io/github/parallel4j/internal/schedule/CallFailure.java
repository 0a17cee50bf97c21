package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import java.util.Objects;

/**
 * Thrown by a {@link CallRunner} to end a call with a specific {@link ErrorCode} and a
 * message meant for the model.
 */
@Internal
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

    /**
     * A throwable's message for the model: its own message, or its class's simple name when it has none.
     *
     * @param e the throwable
     * @return the text
     */
    public static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** @return the error code */
    public ErrorCode code() {
        return code;
    }
}
