package io.github.parallel4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.ToolTimeout;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ParallelToolsConfigTest {

    interface Assistant {
        String chat(String message);
    }

    static class SlowlyTimedTools {
        @Tool
        @ParallelSafe
        @ToolTimeout(value = 3, unit = ChronoUnit.HOURS)
        String status(String service) {
            return service + " is up";
        }
    }

    /** A timer that records the delay of everything scheduled on it. */
    static final class RecordingTimer extends ScheduledThreadPoolExecutor {
        final Queue<Long> delays = new ConcurrentLinkedQueue<>();

        RecordingTimer() {
            super(1);
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delays.add(unit.toNanos(delay));
            return super.schedule(command, delay, unit);
        }
    }

    /** A token is four characters. */
    static final class QuarterTokens implements TokenCountEstimator {
        @Override
        public int estimateTokenCountInText(String text) {
            return text.length() / 4;
        }

        @Override
        public int estimateTokenCountInMessage(dev.langchain4j.data.message.ChatMessage message) {
            return 0;
        }

        @Override
        public int estimateTokenCountInMessages(Iterable<dev.langchain4j.data.message.ChatMessage> messages) {
            return 0;
        }
    }

    @Test
    void should_read_back_every_setting_when_built_with_the_builder() {
        TurnListener listener = report -> {};
        TurnObserver observer = turn -> null;
        ContextPropagator propagator = () -> () -> () -> {};
        Executor executor = Executors.newCachedThreadPool();
        RecordingTimer timer = new RecordingTimer();
        Ticker ticker = System::nanoTime;
        TokenCountEstimator tokens = new QuarterTokens();
        Function<InvocationContext, Object> key = context -> "tenant";
        IntegrationLimits jira = IntegrationLimits.builder().maxConcurrent(2).build();

        ParallelToolsConfig config = ParallelTools.builder()
                .turnTimeout(Duration.ofSeconds(7)).maxBatchSize(12).maxConcurrentCalls(40)
                .maxConcurrentCallsPerTurn(6).maxRetriesPerTurn(2).rateLimitRetries(1)
                .maxRetryAfter(Duration.ofSeconds(30)).rateLimitKey(key).maxObservationChars(4_000)
                .maxTurnObservationChars(9_000).toolObservationChars("logs", 0).maxObservationTokens(500, tokens)
                .keepTruncatedResults(1_000_000, Duration.ofMinutes(10)).deduplicateReads(false)
                .describeScheduling(true).shareCachedReads(true).observationFormat(ObservationFormat.RAW)
                .toolErrorHandling(ToolErrorHandling.LANGCHAIN4J_HANDLERS).defaultPolicy(ToolPolicy.read())
                .toolPolicy("search", ToolPolicy.read("q:{q}")).integration("jira", jira).turnListener(listener)
                .turnObserver(observer).contextPropagator(propagator).executor(executor).ticker(ticker).timer(timer)
                .build().config();

        assertThat(config.turnTimeout()).contains(Duration.ofSeconds(7));
        assertThat(config.maxBatchSize()).isEqualTo(12);
        assertThat(config.maxConcurrentCalls()).isEqualTo(40);
        assertThat(config.maxConcurrentCallsPerTurn()).isEqualTo(6);
        assertThat(config.maxRetriesPerTurn()).isEqualTo(2);
        assertThat(config.rateLimitRetries()).isEqualTo(1);
        assertThat(config.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rateLimitKey()).isSameAs(key);
        assertThat(config.maxObservationChars()).isEqualTo(4_000);
        assertThat(config.maxTurnObservationChars()).isEqualTo(9_000);
        assertThat(config.toolObservationChars()).containsExactlyEntriesOf(java.util.Map.of("logs", 0));
        assertThat(config.maxObservationTokens()).isEqualTo(500);
        assertThat(config.tokenCountEstimator()).containsSame(tokens);
        assertThat(config.keptResultChars()).isEqualTo(1_000_000);
        assertThat(config.keepResultsFor()).contains(Duration.ofMinutes(10));
        assertThat(config.deduplicateReads()).isFalse();
        assertThat(config.describeScheduling()).isTrue();
        assertThat(config.shareCachedReads()).isTrue();
        assertThat(config.observationFormat()).isEqualTo(ObservationFormat.RAW);
        assertThat(config.toolErrorHandling()).isEqualTo(ToolErrorHandling.LANGCHAIN4J_HANDLERS);
        assertThat(config.defaultPolicy()).isEqualTo(ToolPolicy.read());
        assertThat(config.toolPolicies()).containsExactlyEntriesOf(java.util.Map.of("search", ToolPolicy.read("q:{q}")));
        assertThat(config.integrations()).containsExactlyEntriesOf(java.util.Map.of("jira", jira));
        assertThat(config.turnListeners()).containsExactly(listener);
        assertThat(config.turnObservers()).containsExactly(observer);
        assertThat(config.contextPropagators()).containsExactly(propagator);
        assertThat(config.executor()).containsSame(executor);
        assertThat(config.ticker()).isSameAs(ticker);
        assertThat(config.timer()).containsSame(timer);
        timer.shutdownNow();
    }

    @Test
    void should_hold_the_documented_defaults_when_nothing_is_set() {
        ParallelToolsConfig config = ParallelTools.builder().build().config();

        assertThat(config.turnTimeout()).contains(ParallelToolsConfig.DEFAULT_TURN_TIMEOUT);
        assertThat(config.maxBatchSize()).isEqualTo(64);
        assertThat(config.maxConcurrentCalls()).isEqualTo(ParallelToolsConfig.NO_LIMIT);
        assertThat(config.maxConcurrentCallsPerTurn()).isEqualTo(ParallelToolsConfig.NO_LIMIT);
        assertThat(config.maxRetriesPerTurn()).isEqualTo(10);
        assertThat(config.rateLimitRetries()).isEqualTo(3);
        assertThat(config.maxObservationChars()).isEqualTo(16_000);
        assertThat(config.maxTurnObservationChars()).isEqualTo(48_000);
        assertThat(config.maxObservationTokens()).isEqualTo(ParallelToolsConfig.NO_LIMIT);
        assertThat(config.keptResultChars()).isZero();
        assertThat(config.keepResultsFor()).isEmpty();
        assertThat(config.executor()).isEmpty();
        assertThat(config.timer()).isEmpty();
        assertThat(config.defaultPolicy()).isEqualTo(ToolPolicy.exclusiveWrite());
        assertThat(config).hasToString(ParallelToolsConfig.ofDefaults().toString());
    }

    @Test
    void should_start_from_the_base_and_leave_it_unchanged_when_built_from_it() {
        TurnListener listener = report -> {};
        ParallelToolsConfig base = ParallelToolsConfig.custom().maxBatchSize(8).turnListener(listener)
                .integration("jira", IntegrationLimits.builder().maxConcurrent(1).build()).build();

        ParallelToolsConfig derived = ParallelToolsConfig.from(base).maxBatchSize(16).turnTimeout(null)
                .integration("slack", IntegrationLimits.builder().build()).build();

        assertThat(derived.maxBatchSize()).isEqualTo(16);
        assertThat(derived.turnTimeout()).isEmpty();
        assertThat(derived.turnListeners()).containsExactly(listener);
        assertThat(derived.integrations()).containsOnlyKeys("jira", "slack");
        assertThat(base.maxBatchSize()).isEqualTo(8);
        assertThat(base.turnTimeout()).contains(ParallelToolsConfig.DEFAULT_TURN_TIMEOUT);
        assertThat(base.integrations()).containsOnlyKeys("jira");
        assertThat(ParallelTools.of(derived).config()).isSameAs(derived);
    }

    @Test
    void should_take_zero_as_no_limit_when_a_setting_is_a_cap() {
        ParallelToolsConfig config = ParallelToolsConfig.custom().maxBatchSize(0).maxConcurrentCalls(0)
                .maxConcurrentCallsPerTurn(0).maxObservationChars(0).maxTurnObservationChars(0)
                .toolObservationChars("logs", 0).build();

        assertThat(List.of(config.maxBatchSize(), config.maxConcurrentCalls(), config.maxConcurrentCallsPerTurn(),
                config.maxObservationChars(), config.maxTurnObservationChars())).containsOnly(ParallelToolsConfig.NO_LIMIT);
        assertThat(IntegrationLimits.builder().maxConcurrent(0).build().maxConcurrent()).isEmpty();
        assertThat(ParallelToolsConfig.custom().turnTimeout(Duration.ZERO).build().turnTimeout())
                .as("a turn budget of 0 is no budget").isEmpty();
    }

    @Test
    void should_run_a_batch_of_any_size_when_max_batch_size_is_zero() {
        List<dev.langchain4j.agent.tool.ToolExecutionRequest> calls = new java.util.ArrayList<>();
        for (int i = 0; i < ParallelToolsConfig.DEFAULT_MAX_BATCH_SIZE + 6; i++) {
            calls.add(call("c" + i, "status", "{\"service\":\"s" + i + "\"}"));
        }
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(calls);
        ParallelTools.builder().maxBatchSize(0).build()
                .install(AiServices.builder(Assistant.class), new SlowlyTimedTools()).chatModel(model).build()
                .chat("go");

        assertThat(ScriptedChatModel.toolResults(model.lastRequest())).hasSize(ParallelToolsConfig.DEFAULT_MAX_BATCH_SIZE + 6)
                .allSatisfy(text -> assertThat(text).contains("\"ok\":true").contains(" is up"));
    }

    @Test
    void should_name_the_setting_and_the_bad_value_when_a_value_is_refused() {
        assertThatThrownBy(() -> ParallelToolsConfig.custom().maxBatchSize(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatchSize")
                .hasMessageContaining("-1").hasMessageContaining("0 for no limit");
        assertThatThrownBy(() -> ParallelTools.builder().maxObservationChars(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxObservationChars")
                .hasMessageContaining("100");
        assertThatThrownBy(() -> ParallelTools.builder().maxConcurrentCalls(-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConcurrentCalls")
                .hasMessageContaining("-3");
        assertThatThrownBy(() -> ParallelTools.builder().maxObservationTokens(10, new QuarterTokens()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxObservationTokens")
                .hasMessageContaining("10");
        assertThatThrownBy(() -> ParallelTools.builder().maxRetriesPerTurn(-2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    }

    @Test
    void should_schedule_tool_timeouts_and_the_turn_budget_on_the_given_timer() {
        RecordingTimer timer = new RecordingTimer();
        try {
            ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                    call("a", "status", "{\"service\":\"a\"}"), call("b", "status", "{\"service\":\"b\"}")));
            ParallelTools.builder().timer(timer).turnTimeout(Duration.ofHours(5)).build()
                    .install(AiServices.builder(Assistant.class), new SlowlyTimedTools()).chatModel(model).build()
                    .chat("go");

            assertThat(ScriptedChatModel.toolResults(model.lastRequest()))
                    .allSatisfy(text -> assertThat(text).contains("\"ok\":true"));
            assertThat(timer.delays).contains(Duration.ofHours(3).toNanos());
            assertThat(timer.delays).anySatisfy(delay -> assertThat(delay)
                    .isBetween(Duration.ofHours(4).toNanos(), Duration.ofHours(5).toNanos()));
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void should_make_an_instance_or_a_configuration_from_the_same_setters_when_built() {
        ParallelToolsBuilder<ParallelTools> forInstance = ParallelTools.builder().maxBatchSize(7).maxRetriesPerTurn(2);
        ParallelToolsBuilder<ParallelToolsConfig> forConfig = ParallelToolsConfig.custom().maxBatchSize(7)
                .maxRetriesPerTurn(2);

        ParallelToolsConfig first = forConfig.build();
        forConfig.maxBatchSize(9);
        ParallelToolsConfig second = forConfig.build();
        ParallelTools parallel = forInstance.build();

        assertThat(parallel.config().maxBatchSize()).isEqualTo(first.maxBatchSize()).isEqualTo(7);
        assertThat(parallel.config().maxRetriesPerTurn()).isEqualTo(first.maxRetriesPerTurn()).isEqualTo(2);
        assertThat(first.maxBatchSize()).as("a built configuration does not follow its builder").isEqualTo(7);
        assertThat(second.maxBatchSize()).isEqualTo(9);
        assertThat(ParallelToolsConfig.from(second).build().maxBatchSize()).isEqualTo(9);
        assertThat(ParallelToolsConfig.from(second).build().maxRetriesPerTurn()).isEqualTo(2);
    }
}
