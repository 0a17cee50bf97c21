package io.github.parallel4j.spring;

import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ParallelToolsBuilder;

/**
 * Customizes the {@link ParallelTools} the auto-configuration builds, after the {@code parallel-tools.*}
 * properties are applied: for what properties cannot say (a {@code TokenCountEstimator}, a context propagator, a
 * rate-limit key, an executor). Every bean of this type is applied, in {@code @Order} order.
 *
 * <pre>{@code
 * @Bean
 * ParallelToolsCustomizer tenantRates() {
 *     return builder -> builder.rateLimitKey(ctx -> ctx.chatMemoryId());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ParallelToolsCustomizer {

    /**
     * @param builder the builder, with the properties already applied
     */
    void customize(ParallelToolsBuilder<ParallelTools> builder);
}
