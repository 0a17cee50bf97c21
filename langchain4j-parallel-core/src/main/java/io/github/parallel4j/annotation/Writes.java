package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @Tool} method as one that changes state.
 *
 * <p>With a resource key ({@code @Writes(resourceKey = "order:{orderId}")}) the write never overlaps any other
 * call that touches the same key, in this turn or in any other turn running in the JVM, and calls of one turn
 * that share the key run in the order the model emitted them. Writes to different keys run in parallel.
 *
 * <p>Without a key ({@code @Writes}) the write is <em>exclusive</em>: within its turn it runs alone, after every
 * call the model emitted before it and before every call emitted after it. Tools that carry neither this
 * annotation nor {@link ParallelSafe} are treated the same way unless the default policy is changed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Writes {

    /**
     * Resource keys this write touches, as templates such as {@code "order:{orderId}"}; empty for an exclusive
     * write.
     *
     * @return the key templates
     */
    String[] resourceKey() default {};

    /**
     * Whether running the write twice has the same effect as once (it uses the call's idempotency key, or is
     * naturally so). Only idempotent writes may carry {@link Retry}.
     *
     * @return true when the write is idempotent
     */
    boolean idempotent() default false;
}
