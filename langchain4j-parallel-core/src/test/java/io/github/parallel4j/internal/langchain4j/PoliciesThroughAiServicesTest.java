package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.ToolCallContext;
import io.github.parallel4j.annotation.FailFast;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Retry;
import io.github.parallel4j.annotation.ToolTimeout;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoliciesThroughAiServicesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static class PaymentTools {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final AtomicInteger refunds = new AtomicInteger();
        final AtomicInteger jiraCalls = new AtomicInteger();

        @Tool
        @Writes(resourceKey = "order:{orderId}", idempotent = true)
        @Retry(maxAttempts = 3, backoffMillis = 20)
        String refund(String orderId) {
            keys.add(ToolCallContext.current().orElseThrow().idempotencyKey());
            if (refunds.incrementAndGet() < 3) {
                throw new IllegalStateException("gateway timeout");
            }
            return "refunded " + orderId;
        }

        @Tool
        @ParallelSafe
        @Integration("jira")
        String ticket(String id) {
            if (jiraCalls.incrementAndGet() == 1) {
                throw new RateLimitedException("429 from Jira", Duration.ofMillis(50));
            }
            return "ticket " + id;
        }

        @Tool
        @Writes(resourceKey = "card:{card}")
        @FailFast
        String charge(String card) {
            throw new IllegalStateException("card declined");
        }

        @Tool
        @ParallelSafe
        @ToolTimeout(value = 100, unit = ChronoUnit.MILLIS)
        String hang(String id) throws InterruptedException {
            new CountDownLatch(1).await();
            return "never";
        }
    }


    @Test
    void should_retry_an_idempotent_write_with_one_key_and_rerun_a_call_refused_with_429() throws Exception {
        PaymentTools tools = new PaymentTools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "refund", "{\"orderId\":\"9\"}"), call("c2", "ticket", "{\"id\":\"OPS-1\"}"),
                call("c3", "hang", "{\"id\":\"x\"}")));
        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), tools)
                .chatModel(model).build().chat("go");

        List<JsonNode> observations = model.observations();
        assertThat(observations.get(0).get("ok").asBoolean()).isTrue();
        assertThat(observations.get(0).get("attempts").asInt()).isEqualTo(3);
        assertThat(tools.keys).hasSize(3).containsOnly(tools.keys.get(0));
        assertThat(observations.get(1).get("ok").asBoolean()).isTrue();
        assertThat(observations.get(1).get("attempts").asInt()).isEqualTo(2);
        assertThat(observations.get(2).get("error_code").asText()).isEqualTo("TIMEOUT");
    }

    @Test
    void should_cancel_siblings_when_a_fail_fast_tool_fails() throws Exception {
        PaymentTools tools = new PaymentTools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "hang", "{\"id\":\"x\"}"), call("c2", "charge", "{\"card\":\"4242\"}")));
        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), tools)
                .chatModel(model).build().chat("go");

        List<JsonNode> observations = model.observations();
        assertThat(observations.get(1).get("error_code").asText()).isEqualTo("TOOL_ERROR");
        assertThat(observations.get(0).get("error_code").asText()).isEqualTo("CANCELLED");
        assertThat(observations.get(0).get("error").asText()).contains("fail-fast");
    }

    @Test
    void should_refuse_retry_on_a_non_idempotent_write_at_install() {
        class Bad {
            @Tool
            @Writes(resourceKey = "order:{orderId}")
            @Retry
            String cancel(String orderId) {
                return "no";
            }
        }
        assertThatThrownBy(() -> ParallelTools.builder().build().install(AiServices.builder(Assistant.class), new Bad()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad.cancel")
                .hasMessageContaining("non-idempotent write is never retried");
    }
}
