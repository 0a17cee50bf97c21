package io.github.parallel4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnListener;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.SideEffect;
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
import org.assertj.core.api.InstanceOfAssertFactories;
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
    void defaults() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=paralleltools").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                    .hasSingleBean(AiServicesPostProcessor.class).hasSingleBean(MicrometerTurnObserver.class)
                    .hasSingleBean(ParallelToolsEndpoint.class);
            ParallelTools tools = context.getBean(ParallelTools.class);
            assertThat(tools).extracting("turnTimeout").isEqualTo(Duration.ofSeconds(60));
            assertThat(tools).extracting("maxBatchSize").isEqualTo(64);
            assertThat(tools).extracting("defaultPolicy").isEqualTo(ToolPolicy.exclusiveWrite());
            assertThat(tools).extracting("maxObservationChars").isEqualTo(16_000);
            assertThat(tools).extracting("maxTurnObservationChars").isEqualTo(48_000);
            assertThat(tools).extracting("format").isEqualTo(ObservationFormat.ENVELOPE);
            assertThat(tools).extracting("deduplicateReads").isEqualTo(true);
            assertThat(tools).extracting("describeScheduling").isEqualTo(false);
            assertThat(tools).extracting("maxConcurrentPerTurn").isEqualTo(0);
            assertThat(tools).extracting("gate.global").isNull();
            assertThat(tools.integrations()).isEmpty();
            assertThat(tools.toolPolicies()).isEmpty();
            assertThat(tools).extracting("turnObservers").asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(1)
                    .first().isInstanceOf(MicrometerTurnObserver.class);
        });
    }

    @Test
    void everyProperty() {
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
                    assertThat(tools).extracting("turnTimeout").isEqualTo(Duration.ofSeconds(7));
                    assertThat(tools).extracting("maxBatchSize").isEqualTo(12);
                    assertThat(tools).extracting("defaultPolicy").isEqualTo(ToolPolicy.read());
                    assertThat(tools).extracting("maxObservationChars").isEqualTo(4000);
                    assertThat(tools).extracting("maxTurnObservationChars").isEqualTo(0);
                    assertThat(tools).extracting("format").isEqualTo(ObservationFormat.RAW);
                    assertThat(tools).extracting("gate.global.capacity").isEqualTo(40);
                    assertThat(tools).extracting("maxConcurrentPerTurn").isEqualTo(6);
                    assertThat(tools).extracting("deduplicateReads").isEqualTo(false);
                    assertThat(tools).extracting("describeScheduling").isEqualTo(true);
                    assertThat(tools).extracting("turnObservers").asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();

                    IntegrationLimits jira = tools.integrations().get("jira");
                    assertThat(jira.maxConcurrent()).hasValue(2);
                    assertThat(jira.rates()).containsExactly(new IntegrationLimits.Rate(5, Duration.ofSeconds(1)));
                    assertThat(tools.integrations().get("github").rates()).containsExactly(
                            new IntegrationLimits.Rate(10, Duration.ofSeconds(1)),
                            new IntegrationLimits.Rate(300, Duration.ofMinutes(1)));
                    assertThat(tools.integrations().get("github").maxConcurrent()).isEmpty();

                    assertThat(tools.toolPolicies().get("searchIssues")).isEqualTo(ToolPolicy.read()
                            .withIntegration("jira").withTimeout(Duration.ofSeconds(3))
                            .withFailurePolicy(FailurePolicy.failFast()));
                    assertThat(tools.toolPolicies().get("updateIssue")).isEqualTo(
                            ToolPolicy.write("issue:{key}", "project:{project}").idempotent().withFailurePolicy(
                                    FailurePolicy.retry(4, Duration.ofMillis(100), Duration.ofSeconds(1))));
                    assertThat(tools.toolPolicies().get("postMessage").isExclusive()).isTrue();
                    assertThat(tools.toolPolicies().get("postMessage").sideEffect()).isEqualTo(SideEffect.WRITE);
                });
    }

    @Test
    void theEndpointExistsOnlyWhenExposed() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                .doesNotHaveBean(ParallelToolsEndpoint.class));
    }

    @Test
    void disabledMeansNothingIsConfigured() {
        runner.withPropertyValues("parallel-tools.enabled=false").run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(ParallelTools.class).doesNotHaveBean(AiServicesPostProcessor.class)
                .doesNotHaveBean(MicrometerTurnObserver.class).doesNotHaveBean(ParallelToolsEndpoint.class));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnBeans() {
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
    void customizersListenersAndRegistriesAreApplied() {
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
                    assertThat(tools).extracting("maxBatchSize").isEqualTo(3);
                    assertThat(tools).extracting("turnListeners").asInstanceOf(InstanceOfAssertFactories.LIST).containsExactly(listener);
                    assertThat(tools).extracting("turnObservers").asInstanceOf(InstanceOfAssertFactories.LIST).first()
                            .extracting("meters").isSameAs(context.getBean(MeterRegistry.class));
                });
    }

    @Order(1)
    record First(List<String> applied) implements ParallelToolsCustomizer {
        @Override
        public void customize(ParallelTools.Builder builder) {
            applied.add("first");
            builder.maxBatchSize(99);
        }
    }

    @Order(2)
    record Second(List<String> applied) implements ParallelToolsCustomizer {
        @Override
        public void customize(ParallelTools.Builder builder) {
            applied.add("second");
            builder.maxBatchSize(3);
        }
    }

    @Test
    void backsOffWhenTheLibraryOrLangChain4jIsAbsent() {
        runner.withClassLoader(new FilteredClassLoader(ParallelTools.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ParallelTools.class)
                        .doesNotHaveBean(AiServicesPostProcessor.class).doesNotHaveBean(ParallelToolsEndpoint.class));
        runner.withClassLoader(new FilteredClassLoader(AiServices.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ParallelTools.class));
    }

    @Test
    void withoutLangChain4jsSpringStarterOnlyTheAiServiceSupportBacksOff() {
        runner.withClassLoader(new FilteredClassLoader("dev.langchain4j.service.spring")).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                        .doesNotHaveBean(AiServicesPostProcessor.class));
    }

    @Test
    void withoutMicrometerOrActuatorTheirPartsBackOff() {
        runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                        .doesNotHaveBean(MicrometerTurnObserver.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=paralleltools")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ParallelTools.class)
                        .doesNotHaveBean(ParallelToolsEndpoint.class));
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        assertFailsNaming("parallel-tools.turn-timeout", "parallel-tools.turn-timeout=-1s");
        assertFailsNaming("parallel-tools.turn-timeout", "parallel-tools.turn-timeout=soon");
        assertFailsNaming("parallel-tools.max-batch-size", "parallel-tools.max-batch-size=0");
        assertFailsNaming("parallel-tools.default-side-effect", "parallel-tools.default-side-effect=sometimes");
        assertFailsNaming("parallel-tools.max-observation-chars", "parallel-tools.max-observation-chars=10");
        assertFailsNaming("parallel-tools.max-turn-observation-chars", "parallel-tools.max-turn-observation-chars=-5");
        assertFailsNaming("parallel-tools.max-concurrent-calls", "parallel-tools.max-concurrent-calls=0");
        assertFailsNaming("parallel-tools.max-concurrent-calls-per-turn",
                "parallel-tools.max-concurrent-calls-per-turn=-1");
        assertFailsNaming("parallel-tools.integrations.jira.max-concurrent",
                "parallel-tools.integrations.jira.max-concurrent=0");
        assertFailsNaming("parallel-tools.integrations.jira.rate.period",
                "parallel-tools.integrations.jira.rate.permits=5");
        assertFailsNaming("parallel-tools.integrations.jira.rate.permits",
                "parallel-tools.integrations.jira.rate.permits=0", "parallel-tools.integrations.jira.rate.period=1s");
        assertFailsNaming("parallel-tools.integrations.jira.rates[1].period",
                "parallel-tools.integrations.jira.rates[0].permits=5",
                "parallel-tools.integrations.jira.rates[0].period=1s",
                "parallel-tools.integrations.jira.rates[1].permits=5",
                "parallel-tools.integrations.jira.rates[1].period=0s");
        assertFailsNaming("parallel-tools.tools.search.side-effect", "parallel-tools.tools.search.integration=jira");
        assertFailsNaming("parallel-tools.tools.search.side-effect",
                "parallel-tools.tools.search.side-effect=maybe");
        assertFailsNaming("parallel-tools.tools.search.resource-key", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.resource-key=order:{unclosed");
        assertFailsNaming("parallel-tools.tools.search.integration", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.integration= ");
        assertFailsNaming("parallel-tools.tools.search.timeout", "parallel-tools.tools.search.side-effect=read",
                "parallel-tools.tools.search.timeout=0s");
        assertFailsNaming("parallel-tools.tools.post.on-failure", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.on-failure=retry");
        assertFailsNaming("parallel-tools.tools.post.on-failure", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.on-failure=whatever");
        assertFailsNaming("parallel-tools.tools.post.retry", "parallel-tools.tools.post.side-effect=write",
                "parallel-tools.tools.post.idempotent=true", "parallel-tools.tools.post.on-failure=retry",
                "parallel-tools.tools.post.retry.max-attempts=1");
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
