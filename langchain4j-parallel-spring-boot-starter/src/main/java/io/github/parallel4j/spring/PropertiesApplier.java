package io.github.parallel4j.spring;

import dev.langchain4j.model.TokenCountEstimator;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BandwidthBuilder;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelToolsBuilder;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies {@link ParallelToolsProperties} to a {@link ParallelToolsBuilder}. Every value the library refuses
 * fails start-up with an {@link InvalidConfigurationPropertyValueException} that names the property, the value
 * and the reason (Spring Boot prints it as a start-up failure analysis).
 */
final class PropertiesApplier {

    private static final String PREFIX = "parallel-tools.";

    private PropertiesApplier() {}

    /**
     * @param p the properties
     * @param tokens the application's token estimator, for {@code max-observation-tokens}; may be null
     * @param builder what to apply them to: only the properties that are set
     */
    static void apply(ParallelToolsProperties p, TokenCountEstimator tokens, ParallelToolsBuilder<?> builder) {
        set("turn-timeout", p.getTurnTimeout(), builder::turnTimeout);
        set("max-batch-size", p.getMaxBatchSize(), builder::maxBatchSize);
        set("default-side-effect", p.getDefaultSideEffect(), side -> builder.defaultPolicy(
                side == ToolProperties.SideEffect.READ ? ToolPolicy.read() : ToolPolicy.exclusiveWrite()));
        set("max-observation-chars", p.getMaxObservationChars(), builder::maxObservationChars);
        set("max-turn-observation-chars", p.getMaxTurnObservationChars(), builder::maxTurnObservationChars);
        p.getToolObservationChars().forEach((tool, chars) ->
                set("tool-observation-chars." + tool, chars, value -> builder.toolObservationChars(tool, value)));
        set("max-observation-tokens", p.getMaxObservationTokens(), max -> {
            if (tokens == null && max != ParallelToolsConfig.NO_LIMIT) {
                throw new IllegalArgumentException("a token limit needs one TokenCountEstimator bean to count tokens"
                        + " (the model provider's, for instance OpenAiTokenCountEstimator), and there is none or several");
            }
            if (tokens != null) {
                builder.maxObservationTokens(max, tokens);
            }
        });
        set("observation-format", observationFormat(p), builder::observationFormat);
        set("tool-error-handling", p.getToolErrorHandling(), builder::toolErrorHandling);
        set("max-concurrent-calls", p.getMaxConcurrentCalls(), builder::maxConcurrentCalls);
        set("max-concurrent-calls-per-turn", p.getMaxConcurrentCallsPerTurn(), builder::maxConcurrentCallsPerTurn);
        set("max-retries-per-turn", p.getMaxRetriesPerTurn(), builder::maxRetriesPerTurn);
        set("rate-limit-retries", p.getRateLimitRetries(), builder::rateLimitRetries);
        set("max-retry-after", p.getMaxRetryAfter(), builder::maxRetryAfter);
        set("deduplicate-reads", p.getDeduplicateReads(), builder::deduplicateReads);
        set("describe-scheduling", p.getDescribeScheduling(), builder::describeScheduling);
        set("share-cached-reads", p.getShareCachedReads(), builder::shareCachedReads);
        keep(p.getKeepTruncatedResults(), builder);
        p.getIntegrations().forEach((name, integration) -> builder.integration(name, limits(name, integration)));
        p.getTools().forEach((name, tool) -> builder.toolPolicy(name, policy(name, tool)));
    }

    /** {@code observation-format}, or the deprecated {@code envelope} when only it is set. */
    @SuppressWarnings("deprecation")
    private static ObservationFormat observationFormat(ParallelToolsProperties p) {
        Boolean envelope = p.getEnvelope();
        if (envelope == null) {
            return p.getObservationFormat();
        }
        ObservationFormat implied = envelope ? ObservationFormat.ENVELOPE : ObservationFormat.RAW;
        if (p.getObservationFormat() != null && p.getObservationFormat() != implied) {
            throw invalid("envelope", envelope, "it contradicts parallel-tools.observation-format="
                    + p.getObservationFormat() + "; set only observation-format");
        }
        return implied;
    }

    private static void keep(KeepTruncatedResultsProperties keep, ParallelToolsBuilder<?> builder) {
        if (keep.getMaxChars() == null && keep.getKeepFor() == null) {
            return;
        }
        if (keep.getMaxChars() == null) {
            throw invalid("keep-truncated-results.max-chars", null, "keeping cut results needs both max-chars and"
                    + " keep-for; max-chars is missing");
        }
        if (keep.getKeepFor() == null) {
            throw invalid("keep-truncated-results.keep-for", null, "keeping cut results needs both max-chars and"
                    + " keep-for; keep-for is missing");
        }
        set("keep-truncated-results", Map.of("max-chars", keep.getMaxChars(), "keep-for", keep.getKeepFor()),
                both -> builder.keepTruncatedResults(keep.getMaxChars(), keep.getKeepFor()));
    }

    /** Applies a property only when it is set, naming it when the library refuses its value. */
    private static <T> void set(String property, T value, Consumer<T> apply) {
        if (value != null) {
            check(property, value, () -> apply.accept(value));
        }
    }

    private static IntegrationLimits limits(String name, ParallelToolsProperties.Integration integration) {
        String at = "integrations." + name;
        IntegrationLimits.Builder limits = IntegrationLimits.builder();
        set(at + ".max-concurrent", integration.getMaxConcurrent(), limits::maxConcurrent);
        RateProperties one = integration.getRate();
        if (one != null) {
            rate(at + ".rate", one, limits::rate, limits::bandwidth);
        }
        List<RateProperties> rates = integration.getRates();
        for (int i = 0; i < rates.size(); i++) {
            RateProperties rate = rates.get(i);
            rate(at + ".rates[" + i + "]", rate, limits::rate, limits::bandwidth);
        }
        List<RateProperties> perKey = integration.getPerKeyRates();
        for (int i = 0; i < perKey.size(); i++) {
            RateProperties rate = perKey.get(i);
            rate(at + ".per-key-rates[" + i + "]", rate, limits::perKeyRate, limits::perKeyBandwidth);
        }
        return limits.build();
    }

    /**
     * Adds one rate: a plain {@code rate(permits, period)} when only those are set, otherwise the Bucket4j bandwidth
     * the further properties describe. Each refusal names the property at fault.
     */
    private static void rate(String at, RateProperties rate, BiConsumer<Long, Duration> addRate,
            Consumer<Bandwidth> addBandwidth) {
        if (rate.getPermits() == null) {
            throw invalid(at + ".permits", null, "a rate needs both permits and period; permits is missing");
        }
        if (rate.getPeriod() == null) {
            throw invalid(at + ".period", null, "a rate needs both permits and period; period is missing");
        }
        long permits = rate.getPermits();
        if (permits < 1) {
            throw invalid(at + ".permits", permits, "permits must be at least 1");
        }
        Duration period = rate.getPeriod();
        // The library's own checks of the period (positive, representable), whichever way the rate is added.
        check(at + ".period", period, () -> IntegrationLimits.builder().rate(permits, period));
        if (!rate.isBandwidth()) {
            addRate.accept(permits, period);
            return;
        }
        long capacity = rate.getCapacity() == null ? permits : rate.getCapacity();
        if (capacity < 1) {
            throw invalid(at + ".capacity", capacity, "capacity must be at least 1");
        }
        long initial = rate.getInitialTokens() == null ? capacity : rate.getInitialTokens();
        if (initial < 0 || initial > capacity) {
            throw invalid(at + ".initial-tokens", initial, "initial-tokens must be from 0 to the capacity, " + capacity);
        }
        boolean intervally = rate.getRefill() == RateProperties.Refill.INTERVALLY;
        Bandwidth bandwidth = checked(at, permits + " per " + period, () -> {
            BandwidthBuilder.BandwidthBuilderRefillStage refill = Bandwidth.builder().capacity(capacity);
            return (intervally ? refill.refillIntervally(permits, period) : refill.refillGreedy(permits, period))
                    .initialTokens(initial)
                    .build();
        });
        addBandwidth.accept(bandwidth);
    }

    private static ToolPolicy policy(String name, ParallelToolsProperties.Tool tool) {
        String at = "tools." + name;
        if (tool.getSideEffect() == null) {
            throw invalid(at + ".side-effect", null, "a tool configured by name needs its side effect: read or write"
                    + " (its policy replaces the tool's annotations)");
        }
        String[] keys = tool.getResourceKey().toArray(String[]::new);
        ToolPolicy policy = checked(at + ".resource-key", tool.getResourceKey(),
                () -> tool.getSideEffect() == ToolProperties.SideEffect.READ ? ToolPolicy.read(keys) : ToolPolicy.write(keys));
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
        if (tool.getCacheFor() != null) {
            ToolPolicy current = policy;
            policy = checked(at + ".cache-for", tool.getCacheFor(), () -> current.cacheFor(tool.getCacheFor()));
        }
        RetryProperties retry = tool.getRetry();
        if (retry.isSet() && tool.getOnFailure() != ToolProperties.OnFailure.RETRY) {
            throw invalid(at + ".retry", retrySettings(retry), "retry settings apply only to a tool that retries, and "
                    + PREFIX + at + ".on-failure is " + (tool.getOnFailure() == null ? "not set"
                            : tool.getOnFailure().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    + ": set it to retry, or remove the retry settings");
        }
        if (tool.getOnFailure() != null) {
            FailurePolicy failure = switch (tool.getOnFailure()) {
                case BEST_EFFORT -> FailurePolicy.bestEffort();
                case FAIL_FAST -> FailurePolicy.failFast();
                case RETRY -> checked(at + ".retry", retrySettings(retry),
                        () -> FailurePolicy.retry(retry.maxAttemptsOrDefault(), retry.initialBackoffOrDefault(),
                                retry.maxBackoffOrDefault()));
            };
            ToolPolicy current = policy;
            policy = checked(at + ".on-failure", tool.getOnFailure(), () -> current.withFailurePolicy(failure));
        }
        return policy;
    }

    /** @return the retry settings as given, for messages (unset ones left out) */
    private static Map<String, Object> retrySettings(RetryProperties retry) {
        Map<String, Object> given = new LinkedHashMap<>();
        if (retry.getMaxAttempts() != null) {
            given.put("max-attempts", retry.getMaxAttempts());
        }
        if (retry.getInitialBackoff() != null) {
            given.put("initial-backoff", retry.getInitialBackoff());
        }
        if (retry.getMaxBackoff() != null) {
            given.put("max-backoff", retry.getMaxBackoff());
        }
        return given;
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
