/**
 * Annotations that say how a {@code @Tool} method may be scheduled: {@link ParallelSafe}
 * for reads, {@link Writes} for writes, {@link Integration}
 * for the external system whose limits apply.
 */
package io.github.parallel4j.annotation;
