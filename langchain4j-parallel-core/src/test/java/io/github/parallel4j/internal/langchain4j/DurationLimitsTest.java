package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Retry;
import io.github.parallel4j.annotation.ToolTimeout;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Durations no clock can count, and values that overflow while running: refused at build naming the setting, or
 * answered at once; never a hang, never a bare exception text for the model.
 */
class DurationLimitsTest {

    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    interface Assistant {
        String chat(String message);
    }

    /** Refuses its first call with a misparsed Retry-After header, then answers. */
    static class Jira {
        final AtomicInteger calls = new AtomicInteger();
        private final Duration retryAfter;

        Jira(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        Jira() {
            this(Duration.ofSeconds(Long.MAX_VALUE));
        }

        @Tool
        @ParallelSafe
        @Integration("jira")
        String ticket(String id) {
            if (calls.incrementAndGet() == 1) {
                throw new RateLimitedException("429 from Jira", retryAfter);
            }
            return "ticket " + id;
        }
    }

    static class Echo {
        @Tool
        @ParallelSafe
        String echo(String text) {
            return text;
        }
    }

    /** Runs one turn with one call of the ticket tool, within 10 s, and returns its observation. */
    private static JsonNode ticketTurn(ParallelTools parallel, Jira tools, String id) throws Exception {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                List.of(call("c1", "ticket", "{\"id\":\"" + id + "\"}")));
        CompletableFuture.runAsync(() -> parallel.install(AiServices.builder(Assistant.class), tools)
                .chatModel(model).build().chat("go")).get(10, TimeUnit.SECONDS);
        return model.observations().get(0);
    }

    @Test
    void should_answer_rate_limited_at_once_when_the_retry_after_overflows_and_there_is_no_budget() throws Exception {
        Jira tools = new Jira();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(null).maxRetryAfter(Duration.ofMillis(300)).build();

        JsonNode refused = ticketTurn(parallel, tools, "OPS-1");

        assertThat(refused.get("error_code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.get("error").asText()).contains("429 from Jira")
                .contains("longer than the longest retry-after honoured (maxRetryAfter, 300 ms)");
        // The integration is not paused for centuries either, only for maxRetryAfter: the next turn's call runs.
        assertThat(ticketTurn(parallel, tools, "OPS-2").get("ok").asBoolean()).isTrue();
    }

    @Test
    void should_neither_wait_nor_pause_the_integration_past_five_minutes_for_a_misread_retry_after() throws Exception {
        Jira tools = new Jira(Duration.ofSeconds(30_000)); // Retry-After: 30000 meant as ms, read as s: over 8 h
        AtomicLong now = new AtomicLong();
        ParallelTools parallel = ParallelTools.builder().ticker(now::get).turnTimeout(null).build();

        JsonNode refused = ticketTurn(parallel, tools, "OPS-1");

        assertThat(refused.get("error_code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.get("error").asText()).contains("30000 s").contains("maxRetryAfter, 300 s");
        now.addAndGet(Duration.ofMinutes(5).plusMillis(1).toNanos()); // the clamped pause is over
        assertThat(ticketTurn(parallel, tools, "OPS-2").get("ok").asBoolean()).isTrue();
    }

    @Test
    void should_refuse_a_max_retry_after_that_is_not_positive_or_no_clock_can_count() {
        assertThatThrownBy(() -> ParallelTools.builder().maxRetryAfter(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetryAfter");
        assertThatThrownBy(() -> ParallelTools.builder().maxRetryAfter(FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetryAfter");
    }

    @Test
    void should_refuse_at_build_every_duration_no_clock_can_count_naming_the_setting() {
        assertThatThrownBy(() -> ParallelTools.builder().turnTimeout(FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("turnTimeout")
                .hasMessageContaining("null for no budget");
        assertThatThrownBy(() -> ParallelTools.builder().keepTruncatedResults(1_000, FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepFor");
        assertThatThrownBy(() -> IntegrationLimits.builder().rate(5, FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate's period");
        assertThatThrownBy(() -> IntegrationLimits.builder().perKeyRate(5, FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate's period");
        assertThatThrownBy(() -> FailurePolicy.retry(3, Duration.ofMillis(1), FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
    }

    @Test
    void should_refuse_at_install_an_annotation_whose_duration_no_clock_can_count() {
        class HugeTimeout {
            @Tool
            @ParallelSafe
            @ToolTimeout(value = Long.MAX_VALUE, unit = ChronoUnit.DAYS)
            String slow(String id) {
                return id;
            }
        }
        class HugeCache {
            @Tool
            @ParallelSafe
            @CacheFor(value = 1, unit = ChronoUnit.FOREVER)
            String cached(String id) {
                return id;
            }
        }
        class HugeBackoff {
            @Tool
            @Writes(resourceKey = "order:{id}", idempotent = true)
            @Retry(maxAttempts = 3, backoffMillis = 10, maxBackoffMillis = Long.MAX_VALUE)
            String refund(String id) {
                return id;
            }
        }
        ParallelTools parallel = ParallelTools.builder().build();
        assertThatThrownBy(() -> parallel.install(AiServices.builder(Assistant.class), new HugeTimeout()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HugeTimeout.slow")
                .hasMessageContaining("@ToolTimeout");
        assertThatThrownBy(() -> parallel.install(AiServices.builder(Assistant.class), new HugeCache()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HugeCache.cached")
                .hasMessageContaining("@CacheFor");
        assertThatThrownBy(() -> parallel.install(AiServices.builder(Assistant.class), new HugeBackoff()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HugeBackoff.refund")
                .hasMessageContaining("maxBackoffMillis");
    }

    @Test
    void should_run_with_the_longest_budget_timeout_and_backoff_a_clock_can_count() {
        class Longest {
            @Tool
            @ParallelSafe
            @Integration("slowly")
            @ToolTimeout(value = Long.MAX_VALUE, unit = ChronoUnit.NANOS)
            @Retry(maxAttempts = 2, backoffMillis = 1, maxBackoffMillis = Long.MAX_VALUE / 1_000_000)
            String echo(String text) {
                return text;
            }
        }
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofNanos(Long.MAX_VALUE))
                .integration("slowly", IntegrationLimits.builder().rate(2, Duration.ofNanos(Long.MAX_VALUE)).build())
                .build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                List.of(call("c1", "echo", "{\"text\":\"a\"}"), call("c2", "echo", "{\"text\":\"b\"}")));

        parallel.install(AiServices.builder(Assistant.class), new Longest()).chatModel(model).build().chat("go");

        assertThat(model.observations()).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).as("%s", o).isTrue());
    }

    @Test
    void should_answer_with_an_envelope_and_no_exception_text_when_the_library_itself_fails() {
        ContextPropagator broken = () -> {
            throw new IllegalStateException("secret internal detail");
        };
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "echo", "{\"text\":\"a\"}")));

        ParallelTools.builder().contextPropagator(broken).build()
                .install(AiServices.builder(Assistant.class), new Echo()).chatModel(model).build().chat("go");

        String text = ScriptedChatModel.toolResults(model.lastRequest()).get(0);
        assertThat(text).doesNotContain("secret internal detail");
        JsonNode observation = model.observations().get(0);
        assertThat(observation.get("ok").asBoolean()).isFalse();
        assertThat(observation.get("error_code").asText()).isEqualTo("TOOL_ERROR");
        assertThat(observation.get("error").asText()).contains("internal error").contains("did not run");
    }
}
