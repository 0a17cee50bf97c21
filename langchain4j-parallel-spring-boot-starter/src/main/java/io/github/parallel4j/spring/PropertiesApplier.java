package io.github.parallel4j.spring;

import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.SideEffect;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies {@link ParallelToolsProperties} to a {@link ParallelTools.Builder}. Every value the library refuses
 * fails start-up with an {@link InvalidConfigurationPropertyValueException} that names the property, the value
 * and the reason (Spring Boot prints it as a start-up failure analysis).
 */
final class PropertiesApplier {

    private static final String PREFIX = "parallel-tools.";

    private PropertiesApplier() {}

    static void apply(ParallelToolsProperties p, ParallelTools.Builder builder) {
        check("turn-timeout", p.getTurnTimeout(), () -> builder.turnTimeout(p.getTurnTimeout()));
        check("max-batch-size", p.getMaxBatchSize(), () -> builder.maxBatchSize(p.getMaxBatchSize()));
        check("default-side-effect", p.getDefaultSideEffect(), () -> builder.defaultPolicy(
                p.getDefaultSideEffect() == SideEffect.READ ? ToolPolicy.read() : ToolPolicy.exclusiveWrite()));
        check("max-observation-chars", p.getMaxObservationChars(), () -> builder.maxObservationChars(
                p.getMaxObservationChars() == 0 ? Integer.MAX_VALUE : p.getMaxObservationChars()));
        check("max-turn-observation-chars", p.getMaxTurnObservationChars(),
                () -> builder.maxTurnObservationChars(p.getMaxTurnObservationChars()));
        builder.observationFormat(p.isEnvelope() ? ObservationFormat.ENVELOPE : ObservationFormat.RAW);
        if (p.getMaxConcurrentCalls() != null) {
            check("max-concurrent-calls", p.getMaxConcurrentCalls(),
                    () -> builder.maxConcurrentCalls(p.getMaxConcurrentCalls()));
        }
        if (p.getMaxConcurrentCallsPerTurn() != null) {
            check("max-concurrent-calls-per-turn", p.getMaxConcurrentCallsPerTurn(),
                    () -> builder.maxConcurrentCallsPerTurn(p.getMaxConcurrentCallsPerTurn()));
        }
        builder.deduplicateReads(p.isDeduplicateReads());
        builder.describeScheduling(p.isDescribeScheduling());
        p.getIntegrations().forEach((name, integration) -> builder.integration(name, limits(name, integration)));
        p.getTools().forEach((name, tool) -> builder.toolPolicy(name, policy(name, tool)));
    }

    private static IntegrationLimits limits(String name, ParallelToolsProperties.Integration integration) {
        String at = "integrations." + name;
        IntegrationLimits.Builder limits = IntegrationLimits.builder();
        if (integration.getMaxConcurrent() != null) {
            check(at + ".max-concurrent", integration.getMaxConcurrent(),
                    () -> limits.maxConcurrent(integration.getMaxConcurrent()));
        }
        if (integration.getRate() != null) {
            rate(at + ".rate", integration.getRate(), limits);
        }
        List<ParallelToolsProperties.Rate> rates = integration.getRates();
        for (int i = 0; i < rates.size(); i++) {
            rate(at + ".rates[" + i + "]", rates.get(i), limits);
        }
        return limits.build();
    }

    private static void rate(String at, ParallelToolsProperties.Rate rate, IntegrationLimits.Builder limits) {
        if (rate.getPermits() == null) {
            throw invalid(at + ".permits", null, "a rate needs both permits and period; permits is missing");
        }
        if (rate.getPeriod() == null) {
            throw invalid(at + ".period", null, "a rate needs both permits and period; period is missing");
        }
        if (rate.getPermits() < 1) {
            throw invalid(at + ".permits", rate.getPermits(), "permits must be at least 1");
        }
        check(at + ".period", rate.getPeriod(), () -> limits.rate(rate.getPermits(), rate.getPeriod()));
    }

    private static ToolPolicy policy(String name, ParallelToolsProperties.Tool tool) {
        String at = "tools." + name;
        if (tool.getSideEffect() == null) {
            throw invalid(at + ".side-effect", null, "a tool configured by name needs its side effect: read or write"
                    + " (its policy replaces the tool's annotations)");
        }
        String[] keys = tool.getResourceKey().toArray(String[]::new);
        ToolPolicy policy = checked(at + ".resource-key", tool.getResourceKey(),
                () -> tool.getSideEffect() == SideEffect.READ ? ToolPolicy.read(keys) : ToolPolicy.write(keys));
        if (tool.isIdempotent()) {
            policy = policy.idempotent();
        }
        if (tool.getIntegration() != null) {
            ToolPolicy current = policy;
            policy = checked(at + ".integration", tool.getIntegration(),
                    () -> current.withIntegration(tool.getIntegration()));
        }
        if (tool.getTimeout() != null) {
            ToolPolicy current = policy;
            policy = checked(at + ".timeout", tool.getTimeout(), () -> current.withTimeout(tool.getTimeout()));
        }
        if (tool.getOnFailure() != null) {
            ParallelToolsProperties.Retry retry = tool.getRetry();
            FailurePolicy failure = switch (tool.getOnFailure()) {
                case BEST_EFFORT -> FailurePolicy.bestEffort();
                case FAIL_FAST -> FailurePolicy.failFast();
                case RETRY -> checked(at + ".retry", Map.of("max-attempts", retry.getMaxAttempts(),
                                "initial-backoff", retry.getInitialBackoff(), "max-backoff", retry.getMaxBackoff()),
                        () -> FailurePolicy.retry(retry.getMaxAttempts(), retry.getInitialBackoff(),
                                retry.getMaxBackoff()));
            };
            ToolPolicy current = policy;
            policy = checked(at + ".on-failure", tool.getOnFailure(), () -> current.withFailurePolicy(failure));
        }
        return policy;
    }

    private static void check(String property, Object value, Runnable apply) {
        checked(property, value, () -> {
            apply.run();
            return null;
        });
    }

    private static <T> T checked(String property, Object value, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid(property, value, e.getMessage());
        }
    }

    private static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(PREFIX + property, value, reason);
    }
}
