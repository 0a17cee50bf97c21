package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @Tool} method as a read that is safe to run at the same time as other calls of the same turn.
 *
 * <p>Without a resource key the read never waits for anything but its data references and its integration's
 * limits. With one or more keys, it still runs in parallel with other reads, but never overlaps a write to the
 * same key: a keyed write and a keyed read of {@code order:{orderId}} run in the order the model emitted them.
 *
 * <p>{@code {param}} in a key is filled from the call's JSON argument of that name ({@code {customer.id}} walks
 * into a nested object). A call whose arguments lack a named parameter does not run; it gets an
 * {@code INVALID_ARGUMENTS} observation.
 *
 * <pre>{@code
 * @Tool("Order by id") @ParallelSafe(resourceKey = "order:{orderId}")
 * Order order(String orderId) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ParallelSafe {

    /**
     * Resource keys this read touches, as templates such as {@code "order:{orderId}"}; empty for none.
     *
     * @return the key templates
     */
    String[] resourceKey() default {};
}
