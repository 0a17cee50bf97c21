package io.github.parallel4j;

/**
 * Why a call's observation says {@code "ok": false}. The name is what the model sees as {@code error_code}.
 */
public enum ErrorCode {
    /** The tool threw; the observation carries the exception's message, never its stack trace. */
    TOOL_ERROR,
    /** The arguments are not a JSON object, do not fit the tool's parameters, or lack a resource key's argument. */
    INVALID_ARGUMENTS,
    /** No tool of that name exists. */
    UNKNOWN_TOOL,
    /** The batch's references and orderings form a cycle; nothing in the batch ran. */
    CYCLE,
    /** A {@code $call_X.path} reference names no call of the batch, or a path its output does not have. */
    UNRESOLVED_REFERENCE,
    /** A call whose output this call needs failed, so this call did not run. */
    DEPENDENCY_FAILED,
    /** The call ran past its own timeout. */
    TIMEOUT,
    /** The turn's time budget ran out before the call finished (or started). */
    BUDGET_EXCEEDED,
    /** The turn was cancelled: the caller was interrupted, or a sibling failed under fail-fast. */
    CANCELLED,
    /** No rate-limit permit could be had within the turn's budget. */
    RATE_LIMITED,
    /** The model sent more calls in one message than the configured maximum; nothing in the batch ran. */
    BATCH_TOO_LARGE,
    /**
     * The shared limits' backend ({@link SharedLimits}) could not be reached and the configuration refuses to run a
     * call without it ({@link SharedLimits.OnFailure#REFUSE}); the call did not run.
     */
    LIMITS_UNAVAILABLE
}
