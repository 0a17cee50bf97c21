package io.github.parallel4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.service.AiServices;
import io.github.bucket4j.Bandwidth;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ParallelToolsBuilder;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.TurnListener;
import io.github.parallel4j.annotation.Retry;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.spring.actuator.ParallelToolsEndpoint;
import io.github.parallel4j.spring.actuator.ParallelToolsEndpointAutoConfiguration;
import io.github.parallel4j.spring.aiservice.AiServicesPostProcessor;
import io.github.parallel4j.spring.aiservice.ParallelToolsAiServicesAutoConfiguration;
import io.github.parallel4j.spring.micrometer.MicrometerTurnObserver;
import io.github.parallel4j.spring.micrometer.ParallelToolsObservationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

class ParallelToolsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelToolsAutoConfiguration.class,
                    ParallelToolsAiServicesAutoConfiguration.class, ParallelToolsObservationAutoConfiguration.class,
                    ParallelToolsEndpointAutoConfiguration.class));

    @Test
    void should_apply_the_library_defaults_when_no_property_is_set() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=paralleltools").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                    .hasSingleBean(AiServicesPostProcessor.class).hasSingleBean(MicrometerTurnObserver.class)
                    .hasSingleBean(ParallelToolsEndpoint.class);
            ParallelTools tools = context.getBean(ParallelTools.class);
            ParallelToolsConfig config = tools.config();
            assertThat(config.turnTimeout()).contains(Duration.ofSeconds(60));
            assertThat(config.maxBatchSize()).isEqualTo(64);
            assertThat(config.defaultPolicy()).isEqualTo(ToolPolicy.exclusiveWrite());
            assertThat(config.maxObservationChars()).isEqualTo(16_000);
            assertThat(config.maxTurnObservationChars()).isEqualTo(48_000);
            assertThat(config.observationFormat()).isEqualTo(ObservationFormat.ENVELOPE);
            assertThat(config.deduplicateReads()).isEqualTo(true);
            assertThat(config.describeScheduling()).isEqualTo(false);
            assertThat(config.maxConcurrentCallsPerTurn()).isEqualTo(0);
            assertThat(config.maxConcurrentCalls()).isEqualTo(ParallelToolsConfig.NO_LIMIT);
            assertThat(tools.integrations()).isEmpty();
            assertThat(tools.toolPolicies()).isEmpty();
            assertThat(config.turnObservers()).hasSize(1).first().isInstanceOf(MicrometerTurnObserver.class);
            // Every setting no property names is the library's own default.
            assertThat(config).hasToString(ParallelToolsConfig.ofDefaults().toString());
        });
    }

    @Test
    void should_apply_every_property_when_it_is_set() {
        runner.withPropertyValues(
                "parallel-tools.turn-timeout=7s",
                "parallel-tools.max-batch-size=12",
                "parallel-tools.default-side-effect=read",
                "parallel-tools.max-observation-chars=4000",
                "parallel-tools.max-turn-observation-chars=0",
                "parallel-tools.envelope=false",
                "parallel-tools.max-concurrent-calls=40",
                "parallel-tools.max-concurrent-calls-per-turn=6",
                "parallel-tools.deduplicate-reads=false",
                "parallel-tools.describe-scheduling=true",
                "parallel-tools.max-retries-per-turn=2",
                "parallel-tools.rate-limit-retries=1",
                "parallel-tools.max-retry-after=20s",
                "parallel-tools.tool-observation-chars.searchIssues=0",
                "parallel-tools.max-observation-tokens=0",
                "parallel-tools.keep-truncated-results.max-chars=500000",
                "parallel-tools.keep-truncated-results.keep-for=15m",
                "parallel-tools.share-cached-reads=true",
                "parallel-tools.tool-error-handling=langchain4j-handlers",
                "parallel-tools.integrations.jira.per-key-rates[0].permits=2",
                "parallel-tools.integrations.jira.per-key-rates[0].period=1s",
                "parallel-tools.integrations.jira.max-concurrent=2",
                "parallel-tools.integrations.jira.rate.permits=5",
                "parallel-tools.integrations.jira.rate.period=1s",
                "parallel-tools.integrations.github.rates[0].permits=10",
                "parallel-tools.integrations.github.rates[0].period=1s",
                "parallel-tools.integrations.github.rates[1].permits=300",
                "parallel-tools.integrations.github.rates[1].period=1m",
                "parallel-tools.tools.searchIssues.side-effect=read",
                "parallel-tools.tools.searchIssues.integration=jira",
                "parallel-tools.tools.searchIssues.timeout=3s",
                "parallel-tools.tools.searchIssues.on-failure=fail-fast",
                "parallel-tools.tools.searchIssues.cache-for=30s",
                "parallel-tools.tools.updateIssue.side-effect=write",
                "parallel-tools.tools.updateIssue.resource-key=issue:{key},project:{project}",
                "parallel-tools.tools.updateIssue.idempotent=true",
                "parallel-tools.tools.updateIssue.on-failure=retry",
                "parallel-tools.tools.updateIssue.retry.max-attempts=4",
                "parallel-tools.tools.updateIssue.retry.initial-backoff=100ms",
                "parallel-tools.tools.updateIssue.retry.max-backoff=1s",
                "parallel-tools.tools.postMessage.side-effect=write",
                "parallel-tools.observations.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerTurnObserver.class);
                    ParallelTools tools = context.getBean(ParallelTools.class);
                    ParallelToolsConfig config = tools.config();
                    assertThat(config.turnTimeout()).contains(Duration.ofSeconds(7));
                    assertThat(config.maxBatchSize()).isEqualTo(12);
                    assertThat(config.defaultPolicy()).isEqualTo(ToolPolicy.read());
                    assertThat(config.maxObservationChars()).isEqualTo(4000);
                    assertThat(config.maxTurnObservationChars()).isEqualTo(0);
                    assertThat(config.observationFormat()).isEqualTo(ObservationFormat.RAW);
                    assertThat(config.maxConcurrentCalls()).isEqualTo(40);
                    assertThat(config.maxConcurrentCallsPerTurn()).isEqualTo(6);
                    assertThat(config.deduplicateReads()).isEqualTo(false);
                    assertThat(config.describeScheduling()).isEqualTo(true);
                    assertThat(config.turnObservers()).isEmpty();
                    assertThat(config.maxRetriesPerTurn()).isEqualTo(2);
                    assertThat(config.rateLimitRetries()).isEqualTo(1);
                    assertThat(config.maxRetryAfter()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(config.toolObservationChars()).containsExactlyEntriesOf(Map.of("searchIssues", 0));
                    assertThat(config.keptResultChars()).isEqualTo(500_000);
                    assertThat(config.keepResultsFor()).contains(Duration.ofMinutes(15));
                    assertThat(config.shareCachedReads()).isTrue();
                    assertThat(config.toolErrorHandling()).isEqualTo(ToolErrorHandling.LANGCHAIN4J_HANDLERS);
                    assertThat(config.maxObservationTokens()).isEqualTo(ParallelToolsConfig.NO_LIMIT);

                    IntegrationLimits jira = tools.integrations().get("jira");
                    assertThat(jira.maxConcurrent()).hasValue(2);
                    assertThat(jira.bandwidths()).containsExactly(greedy(5, Duration.ofSeconds(1)));
                    assertThat(jira.perKeyBandwidths()).containsExactly(greedy(2, Duration.ofSeconds(1)));
                    assertThat(tools.integrations().get("github").bandwidths())
                            .containsExactly(greedy(10, Duration.ofSeconds(1)), greedy(300, Duration.ofMinutes(1)));
                    assertThat(tools.integrations().get("github").maxConcurrent()).isEmpty();

                    assertThat(tools.toolPolicies().get("searchIssues")).isEqualTo(ToolPolicy.read()
                            .withIntegration("jira").withTimeout(Duration.ofSeconds(3))
                            .withFailurePolicy(FailurePolicy.failFast()).cacheFor(Duration.ofSeconds(30)));
                    assertThat(tools.toolPolicies().get("updateIssue")).isEqualTo(
                            ToolPolicy.write("issue:{key}", "project:{project}").idempotent().withFailurePolicy(
                                    FailurePolicy.retry(4, Duration.ofMillis(100), Duration.ofSeconds(1))));
                    assertThat(tools.toolPolicies().get("postMessage").isExclusive()).isTrue();
                    assertThat(tools.toolPolicies().get("postMessage").isWrite()).isTrue();
                });
    }

    /** A rate as DESIGN.md defines it, built by hand rather than through the code under test. */
    private static Bandwidth greedy(long permits, Duration period) {
        return Bandwidth.builder().capacity(permits).refillGreedy(permits, period).initialTokens(permits).build();
    }

    @Test
    void should_build_the_bucket4j_bandwidth_a_rate_describes_when_capacity_refill_or_initial_tokens_is_set() {
        runner.withPropertyValues(
                        "parallel-tools.integrations.jira.rates[0].permits=5",
                        "parallel-tools.integrations.jira.rates[0].period=1s",
                        "parallel-tools.integrations.jira.rates[0].capacity=10",
                        "parallel-tools.integrations.jira.rates[0].refill=intervally",
                        "parallel-tools.integrations.jira.rates[0].initial-tokens=0",
                        "parallel-tools.integrations.jira.rates[1].permits=100",
                        "parallel-tools.integrations.jira.rates[1].period=1m",
                        "parallel-tools.integrations.jira.rate.permits=3",
                        "parallel-tools.integrations.jira.rate.period=1s",
                        "parallel-tools.integrations.jira.rate.capacity=6",
                        "parallel-tools.integrations.jira.per-key-rates[0].permits=2",
                        "parallel-tools.integrations.jira.per-key-rates[0].period=1s",
                        "parallel-tools.integrations.jira.per-key-rates[0].initial-tokens=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IntegrationLimits jira = context.getBean(ParallelTools.class).integrations().get("jira");
                    assertThat(jira.bandwidths()).containsExactly(
                            Bandwidth.builder().capacity(6).refillGreedy(3, Duration.ofSeconds(1)).initialTokens(6)
                                    .build(),
                            Bandwidth.builder().capacity(10).refillIntervally(5, Duration.ofSeconds(1))
                                    .initialTokens(0).build(),
                            greedy(100, Duration.ofMinutes(1)));
                    assertThat(jira.perKeyBandwidths()).containsExactly(Bandwidth.builder().capacity(2)
                            .refillGreedy(2, Duration.ofSeconds(1)).initialTokens(1).build());
                    assertThat(jira).hasToString("IntegrationLimits{maxConcurrent=unlimited, rates=[3 per PT1S, up to"
                            + " 6 at once; 5 per PT1S, up to 10 at once, refilled all at once each period, starts with"
                            + " 0; 100 per PT1M], perKeyRates=[2 per PT1S, starts with 1]}");
                });
    }

    @Test
    void should_map_every_on_failure_value_to_its_kind_of_failure_policy_when_binding_tool_properties() {
        for (ToolProperties.OnFailure value : ToolProperties.OnFailure.values()) {
            String written = value.name().toLowerCase(Locale.ROOT).replace('_', '-');
            runner.withPropertyValues("parallel-tools.tools.search.side-effect=read",
                    "parallel-tools.tools.search.on-failure=" + written).run(context -> {
                assertThat(context).hasNotFailed();
                FailurePolicy policy = context.getBean(ParallelTools.class).toolPolicies().get("search").onFailure();
                FailurePolicy expected = switch (value) {
                    case BEST_EFFORT -> FailurePolicy.bestEffort();
                    case FAIL_FAST -> FailurePolicy.failFast();
                    case RETRY -> FailurePolicy.retry(Retry.DEFAULT_MAX_ATTEMPTS,
                            Duration.ofMillis(Retry.DEFAULT_BACKOFF_MILLIS),
                            Duration.ofMillis(Retry.DEFAULT_MAX_BACKOFF_MILLIS));
                };
                assertThat(policy).as("on-failure=%s", written).isEqualTo(expected);
                assertThat(List.of(policy.isBestEffort(), policy.isFailFast(), policy.isRetry()))
                        .as("on-failure=%s reads back as one kind", written)
                        .containsExactly(value == ToolProperties.OnFailure.BEST_EFFORT,
                                value == ToolProperties.OnFailure.FAIL_FAST, value == ToolProperties.OnFailure.RETRY);
            });
        }
    }

    @Test
    void should_count_tokens_with_the_estimator_bean_when_max_observation_tokens_is_set() {
        TokenCountEstimator tokens = new TokenCountEstimator() {
            @Override
            public int estimateTokenCountInText(String text) {
                return text.length() / 4;
            }

            @Override
            public int estimateTokenCountInMessage(ChatMessage message) {
                return 0;
            }

            @Override
            public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
                return 0;
            }
        };
        ContextPropagator propagator = () -> () -> () -> {};
        runner.withPropertyValues("parallel-tools.max-observation-tokens=500")
                .withBean(TokenCountEstimator.class, () -> tokens)
                .withBean(ContextPropagator.class, () -> propagator)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ParallelToolsConfig config = context.getBean(ParallelTools.class).config();
                    assertThat(config.maxObservationTokens()).isEqualTo(500);
                    assertThat(config.tokenCountEstimator()).containsSame(tokens);
                    assertThat(config.contextPropagators()).containsExactly(propagator);
                });
    }

    @Test
    void should_create_the_endpoint_only_when_it_is_exposed() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                .doesNotHaveBean(ParallelToolsEndpoint.class));
    }

    @Test
    void should_configure_nothing_when_disabled() {
        runner.withPropertyValues("parallel-tools.enabled=false").run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(ParallelTools.class).doesNotHaveBean(AiServicesPostProcessor.class)
                .doesNotHaveBean(MicrometerTurnObserver.class).doesNotHaveBean(ParallelToolsEndpoint.class));
    }

    @Test
    void should_back_off_when_the_application_defines_its_own_beans() {
        ParallelTools own = ParallelTools.builder().build();
        MicrometerTurnObserver ownObserver = new MicrometerTurnObserver(ObservationRegistry.NOOP, null);
        runner.withPropertyValues("management.endpoints.web.exposure.include=paralleltools")
                .withBean(ParallelTools.class, () -> own).withBean(MicrometerTurnObserver.class, () -> ownObserver)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                            .hasSingleBean(MicrometerTurnObserver.class);
                    assertThat(context.getBean(ParallelTools.class)).isSameAs(own);
                    assertThat(context.getBean(MicrometerTurnObserver.class)).isSameAs(ownObserver);
                    assertThat(context.getBean(ParallelToolsEndpoint.class).report().tools()).isEmpty();
                });
    }

    @Test
    void should_apply_customizers_listeners_and_registries_when_they_are_beans() {
        List<String> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
        TurnListener listener = report -> {};
        runner.withPropertyValues("parallel-tools.max-batch-size=12")
                .withBean("second", ParallelToolsCustomizer.class, () -> new Second(applied))
                .withBean("first", ParallelToolsCustomizer.class, () -> new First(applied))
                .withBean(TurnListener.class, () -> listener)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ParallelTools tools = context.getBean(ParallelTools.class);
                    assertThat(applied).containsExactly("first", "second");
                    // The customizer runs after the properties, so it wins.
                    assertThat(tools.config().maxBatchSize()).isEqualTo(3);
                    assertThat(tools.config().turnListeners()).containsExactly(listener);
                    assertThat(tools.config().turnObservers()).first().extracting("meters").isSameAs(context.getBean(MeterRegistry.class));
                });
    }

    @Order(1)
    record First(List<String> applied) implements ParallelToolsCustomizer {
        @Override
        public void customize(ParallelToolsBuilder<ParallelTools> builder) {
            applied.add("first");
            builder.maxBatchSize(99);
        }
    }

    @Order(2)
    record Second(List<String> applied) implements ParallelToolsCustomizer {
        @Override
        public void customize(ParallelToolsBuilder<ParallelTools> builder) {
            applied.add("second");
            builder.maxBatchSize(3);
        }
    }

    @Test
    void should_back_off_when_the_library_or_langchain4j_is_absent() {
        runner.withClassLoader(new FilteredClassLoader(ParallelTools.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ParallelTools.class)
                        .doesNotHaveBean(AiServicesPostProcessor.class).doesNotHaveBean(ParallelToolsEndpoint.class));
        runner.withClassLoader(new FilteredClassLoader(AiServices.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ParallelTools.class));
    }

    @Test
    void should_back_off_only_the_ai_service_support_when_langchain4js_spring_starter_is_absent() {
        runner.withClassLoader(new FilteredClassLoader("dev.langchain4j.service.spring")).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                        .doesNotHaveBean(AiServicesPostProcessor.class));
    }

    @Test
    void should_back_off_their_parts_when_micrometer_or_actuator_is_absent() {
        runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                        .doesNotHaveBean(MicrometerTurnObserver.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=paralleltools")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                        .doesNotHaveBean(ParallelToolsEndpoint.class));
    }

    @Test
    void should_fail_start_up_naming_the_property_when_a_value_is_bad() {
        assertFailsNaming("parallel-tools.turn-timeout", "parallel-tools.turn-timeout=-1s");
        assertFailsNaming("parallel-tools.turn-timeout", "parallel-tools.turn-timeout=soon");
        assertFailsNaming("parallel-tools.max-batch-size", "parallel-tools.max-batch-size=-1");
        assertFailsNaming("parallel-tools.default-side-effect", "parallel-tools.default-side-effect=sometimes");
        assertFailsNaming("parallel-tools.max-observation-chars", "parallel-tools.max-observation-chars=10");
        assertFailsNaming("parallel-tools.max-turn-observation-chars", "parallel-tools.max-turn-observation-chars=-5");
        assertFailsNaming("parallel-tools.max-concurrent-calls", "parallel-tools.max-concurrent-calls=-2");
        assertFailsNaming("parallel-tools.max-concurrent-calls-per-turn",
                "parallel-tools.max-concurrent-calls-per-turn=-1");
        assertFailsNaming("parallel-tools.integrations.jira.max-concurrent",
                "parallel-tools.integrations.jira.max-concurrent=-1");
        assertFailsNaming("parallel-tools.max-retries-per-turn", "parallel-tools.max-retries-per-turn=-1");
        assertFailsNaming("parallel-tools.rate-limit-retries", "parallel-tools.rate-limit-retries=-1");
        assertFailsNaming("parallel-tools.max-retry-after", "parallel-tools.max-retry-after=0s");
        assertFailsNaming("parallel-tools.tool-observation-chars.logs", "parallel-tools.tool-observation-chars.logs=10");
        assertFailsNaming("parallel-tools.max-observation-tokens", "parallel-tools.max-observation-tokens=500");
        assertFailsNaming("parallel-tools.keep-truncated-results.keep-for",
                "parallel-tools.keep-truncated-results.max-chars=1000");
        assertFailsNaming("parallel-tools.keep-truncated-results", "parallel-tools.keep-truncated-results.max-chars=0",
                "parallel-tools.keep-truncated-results.keep-for=1m");
        assertFailsNaming("parallel-tools.envelope", "parallel-tools.envelope=true",
                "parallel-tools.observation-format=raw");
        assertFailsNaming("parallel-tools.integrations.jira.per-key-rates[0].period",
                "parallel-tools.integrations.jira.per-key-rates[0].permits=5");
        assertFailsNaming("parallel-tools.integrations.jira.rate.period",
                "parallel-tools.integrations.jira.rate.permits=5");
        assertFailsNaming("parallel-tools.integrations.jira.rate.permits",
                "parallel-tools.integrations.jira.rate.permits=0", "parallel-tools.integrations.jira.rate.period=1s");
        assertFailsNaming("parallel-tools.integrations.jira.rates[1].period",
                "parallel-tools.integrations.jira.rates[0].permits=5",
                "parallel-tools.integrations.jira.rates[0].period=1s",
                "parallel-tools.integrations.jira.rates[1].permits=5",
                "parallel-tools.integrations.jira.rates[1].period=0s");
        assertFailsNaming("parallel-tools.integrations.jira.rate.capacity",
                "parallel-tools.integrations.jira.rate.permits=5", "parallel-tools.integrations.jira.rate.period=1s",
                "parallel-tools.integrations.jira.rate.capacity=0");
        assertFailsNaming("parallel-tools.integrations.jira.rates[0].initial-tokens",
                "parallel-tools.integrations.jira.rates[0].permits=5",
                "parallel-tools.integrations.jira.rates[0].period=1s",
                "parallel-tools.integrations.jira.rates[0].initial-tokens=6");
        assertFailsNaming("parallel-tools.integrations.jira.per-key-rates[0].initial-tokens",
                "parallel-tools.integrations.jira.per-key-rates[0].permits=5",
                "parallel-tools.integrations.jira.per-key-rates[0].period=1s",
                "parallel-tools.integrations.jira.per-key-rates[0].initial-tokens=-1");
        assertFailsNaming("parallel-tools.integrations.jira.rate.period",
                "parallel-tools.integrations.jira.rate.permits=5", "parallel-tools.integrations.jira.rate.period=0s",
                "parallel-tools.integrations.jira.rate.refill=intervally");
        assertFailsNaming("parallel-tools.tools.search.side-effect", "parallel-tools.tools.search.integration=jira");
        assertFailsNaming("parallel-tools.tools.search.side-effect",
                "parallel-tools.tools.search.side-effect=maybe");
        assertFailsNaming("parallel-tools.tools.search.resource-key", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.resource-key=order:{unclosed");
        assertFailsNaming("parallel-tools.tools.search.integration", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.integration= ");
        assertFailsNaming("parallel-tools.tools.search.timeout", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.timeout=0s");
        assertFailsNaming("parallel-tools.tools.search.cache-for", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.cache-for=0s");
        assertFailsNaming("parallel-tools.tools.post.cache-for", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.cache-for=1m");
        assertFailsNaming("parallel-tools.tools.post.on-failure", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.on-failure=retry");
        assertFailsNaming("parallel-tools.tools.post.on-failure", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.on-failure=whatever");
        assertFailsNaming("parallel-tools.tools.post.retry", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.idempotent=true", "parallel-tools.tools.post.on-failure=retry",
                "parallel-tools.tools.post.retry.max-attempts=1");
        assertFailsNaming("parallel-tools.tools.search.retry", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.on-failure=fail-fast", "parallel-tools.tools.search.retry.max-attempts=5");
        assertFailsNaming("parallel-tools.tools.search.retry", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.retry.initial-backoff=1s");
    }

    @Test
    void should_run_without_a_budget_and_fill_unset_retry_settings_from_retrys_defaults_when_so_configured() {
        runner.withPropertyValues("parallel-tools.turn-timeout=0",
                "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.on-failure=retry",
                "parallel-tools.tools.search.retry.max-attempts=5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ParallelTools tools = context.getBean(ParallelTools.class);
                    assertThat(tools.config().turnTimeout()).isEmpty();
                    assertThat(tools.toolPolicies().get("search")).isEqualTo(ToolPolicy.read().withFailurePolicy(
                            FailurePolicy.retry(5, Duration.ofMillis(200), Duration.ofSeconds(5))));
                });
    }

    private void assertFailsNaming(String property, String... values) {
        runner.withPropertyValues(values).run(context -> {
            assertThat(context).as(String.join(", ", values)).hasFailed();
            Throwable failure = context.getStartupFailure();
            StringBuilder messages = new StringBuilder();
            boolean named = false;
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
                if (t instanceof InvalidConfigurationPropertyValueException invalid) {
                    named |= invalid.getName().equals(property);
                }
                if (t instanceof org.springframework.boot.context.properties.bind.BindException bind) {
                    named |= bind.getProperty() != null && bind.getProperty().getName().toString().equals(property);
                }
            }
            assertThat(named).as("failure names " + property + ":\n" + messages).isTrue();
        });
    }
}
