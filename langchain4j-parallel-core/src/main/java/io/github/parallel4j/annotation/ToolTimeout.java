package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * The longest one attempt of this tool may run. On expiry the tool's thread is interrupted and the call gets
 * {@code TIMEOUT} at once (or is retried, under {@link Retry}); the rest of the turn goes on.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolTimeout {

    /** @return the amount, positive */
    long value();

    /** @return the unit of {@link #value()} */
    ChronoUnit unit() default ChronoUnit.SECONDS;
}
