package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries a failed call with exponential backoff and jitter, within the turn's budget. Allowed on
 * {@link ParallelSafe} reads and on {@code @Writes(idempotent = true)}; a non-idempotent write is never retried,
 * and putting this annotation on one fails when the tool is installed.
 *
 * <p>Each attempt sees the same idempotency key ({@code ToolCallContext.current()}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Retry {

    /** The attempts in all when not given, here and for retries configured by name (the Spring properties). */
    int DEFAULT_MAX_ATTEMPTS = 3;

    /** The first backoff in milliseconds when not given. */
    long DEFAULT_BACKOFF_MILLIS = 200;

    /** The longest backoff in milliseconds when not given. */
    long DEFAULT_MAX_BACKOFF_MILLIS = 5_000;

    /** @return attempts in all, the first included; at least 2 */
    int maxAttempts() default DEFAULT_MAX_ATTEMPTS;

    /** @return the first backoff in milliseconds */
    long backoffMillis() default DEFAULT_BACKOFF_MILLIS;

    /** @return the longest backoff in milliseconds */
    long maxBackoffMillis() default DEFAULT_MAX_BACKOFF_MILLIS;
}
