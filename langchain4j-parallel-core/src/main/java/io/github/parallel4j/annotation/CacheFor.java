package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * Keeps this read's successful results for a while, per conversation (by default), so that the same call with
 * the same arguments in a later turn is answered from the cache without running the tool. Only for
 * {@link ParallelSafe} reads: putting it on a write fails when the tool is installed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CacheFor {

    /** @return how long, positive */
    long value();

    /** @return the unit of {@link #value()} */
    ChronoUnit unit() default ChronoUnit.SECONDS;
}
