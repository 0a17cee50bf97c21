package io.github.parallel4j.policy;

import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.FailFast;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Retry;
import io.github.parallel4j.annotation.ToolTimeout;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.internal.policy.Durations;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.time.temporal.UnsupportedTemporalTypeException;

/**
 * Reads the {@link ToolPolicy} a {@code @Tool} method's annotations declare: {@link ParallelSafe} or {@link Writes}
 * (with their keys and idempotence), {@link Integration} on the method or its class, {@link ToolTimeout},
 * {@link CacheFor}, and {@link Retry} or {@link FailFast}. A bad combination or value is refused with a message that
 * names the method, when the tool is installed.
 */
final class AnnotatedPolicy {

    private AnnotatedPolicy() {}

    /** See {@link ToolPolicy#of(Method, ToolPolicy)}. */
    static ToolPolicy of(Method method, ToolPolicy fallback) {
        ParallelSafe read = method.getAnnotation(ParallelSafe.class);
        Writes write = method.getAnnotation(Writes.class);
        String where = method.getDeclaringClass().getName() + "." + method.getName();
        if (read != null && write != null) {
            throw new IllegalArgumentException(
                    "Tool method " + where + " is annotated with both @ParallelSafe and @Writes; choose one");
        }
        try {
            ToolPolicy policy = read != null ? ToolPolicy.read(read.resourceKey())
                    : write != null ? ToolPolicy.write(write.resourceKey())
                    : fallback;
            if (write != null && write.idempotent()) {
                policy = policy.idempotent();
            }
            Integration integration = method.getAnnotation(Integration.class);
            if (integration == null) {
                integration = method.getDeclaringClass().getAnnotation(Integration.class);
            }
            if (integration != null) {
                policy = policy.withIntegration(integration.value());
            }
            ToolTimeout timeout = method.getAnnotation(ToolTimeout.class);
            if (timeout != null) {
                policy = policy.withTimeout(annotated("@ToolTimeout", timeout.value(), timeout.unit()));
            }
            CacheFor cache = method.getAnnotation(CacheFor.class);
            if (cache != null) {
                policy = policy.cacheFor(annotated("@CacheFor", cache.value(), cache.unit()));
            }
            Retry retry = method.getAnnotation(Retry.class);
            FailFast failFast = method.getAnnotation(FailFast.class);
            if (retry != null && failFast != null) {
                throw new IllegalArgumentException("it is annotated with both @Retry and @FailFast; choose one");
            }
            if (retry != null) {
                policy = policy.withFailurePolicy(FailurePolicy.retry(retry.maxAttempts(),
                        annotated("@Retry(backoffMillis)", retry.backoffMillis(), ChronoUnit.MILLIS),
                        annotated("@Retry(maxBackoffMillis)", retry.maxBackoffMillis(), ChronoUnit.MILLIS)));
            } else if (failFast != null) {
                policy = policy.withFailurePolicy(FailurePolicy.failFast());
            }
            return policy;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Tool method " + where + ": " + e.getMessage(), e);
        }
    }

    /** An annotation's amount and unit as a duration, refused when no clock could count it. */
    private static Duration annotated(String annotation, long value, ChronoUnit unit) {
        Duration d;
        try {
            d = Duration.of(value, unit);
        } catch (ArithmeticException | UnsupportedTemporalTypeException e) {
            throw new IllegalArgumentException(annotation + " of " + value + " " + unit + " cannot be represented", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(annotation + " must be positive, was " + value + " " + unit);
        }
        return Durations.requireRepresentable(annotation, d);
    }
}
