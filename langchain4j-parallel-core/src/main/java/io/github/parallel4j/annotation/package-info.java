/**
 * Annotations that say how a {@code @Tool} method may be scheduled: {@link io.github.parallel4j.annotation.ParallelSafe}
 * for reads, {@link io.github.parallel4j.annotation.Writes} for writes, {@link io.github.parallel4j.annotation.Integration}
 * for the external system whose limits apply.
 */
package io.github.parallel4j.annotation;
