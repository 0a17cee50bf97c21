package io.github.parallel4j;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The call a tool is running for, visible from inside the tool on the thread that runs it.
 *
 * <p>A write that must not happen twice passes {@link #idempotencyKey()} to the system it calls (as an
 * {@code Idempotency-Key} header, a request id, a unique constraint): the key is the same for every attempt of
 * the call, and differs between calls.
 *
 * <pre>{@code
 * @Tool @Writes(resourceKey = "order:{orderId}", idempotent = true) @Retry
 * String refund(String orderId) {
 *     String key = ToolCallContext.current().map(ToolCallContext::idempotencyKey).orElseGet(() -> UUID.randomUUID().toString());
 *     return payments.refund(orderId, key);
 * }
 * }</pre>
 *
 * @param callId the call's id in its AI message
 * @param tool the tool's name
 * @param attempt the attempt, from 1
 * @param idempotencyKey stable across the call's attempts, unique per call
 */
public record ToolCallContext(String callId, String tool, int attempt, String idempotencyKey) {

    private static final ThreadLocal<ToolCallContext> CURRENT = new ThreadLocal<>();

    /**
     * The call the current thread runs a tool for.
     *
     * @return the call, or empty outside a tool run by the library
     */
    public static Optional<ToolCallContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Runs code with this context bound to the current thread. Used by the scheduler.
     *
     * @param body the code
     * @param <T> its result type
     * @return its result
     * @throws Exception whatever it throws
     */
    public <T> T bind(Callable<T> body) throws Exception {
        ToolCallContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.call();
        } finally {
            // set, not remove: the thread keeps its entry (with no value) for its next call, as a pooled tool thread
            // runs many; a removal would clean up the table and the next call's lookup would make the entry again
            CURRENT.set(previous);
        }
    }
}
