package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AiServicesParallelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static class ShopTools {
        final CallLog log = new CallLog();

        @Tool("Order by id")
        @ParallelSafe(resourceKey = "order:{orderId}")
        Map<String, Object> order(String orderId) {
            return log.record("order", orderId, () -> {
                Thread.sleep(100);
                return Map.of("orderId", orderId, "customerId", "c-" + orderId, "total", 42);
            });
        }

        @Tool("Customer by id")
        @ParallelSafe
        String customer(String customerId) {
            return log.record("customer", customerId, () -> "{\"name\":\"Ada\",\"id\":\"" + customerId + "\"}");
        }

        @Tool("Cancel an order")
        @Writes(resourceKey = "order:{orderId}")
        String cancel(String orderId) {
            return log.record("cancel", orderId, () -> {
                Thread.sleep(50);
                return "cancelled " + orderId;
            });
        }
    }

    @Test
    void should_run_reads_in_parallel_and_return_observations_in_request_order() throws Exception {
        ShopTools tools = new ShopTools();
        List<ToolExecutionRequest> calls = List.of(
                call("call_1", "order", "{\"orderId\":\"1\"}"),
                call("call_2", "order", "{\"orderId\":\"2\"}"),
                call("call_3", "order", "{\"orderId\":\"3\"}"));
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(calls);
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools)
                .chatModel(model)
                .build();

        assistant.chat("orders please");

        List<ToolExecutionResultMessage> results = ScriptedChatModel.toolResultMessages(model.lastRequest());
        assertThat(results).extracting(ToolExecutionResultMessage::id).containsExactly("call_1", "call_2", "call_3");
        List<JsonNode> observations = new ArrayList<>();
        for (ToolExecutionResultMessage r : results) {
            observations.add(JSON.readTree(r.text()));
        }
        assertThat(observations).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        assertThat(observations.get(1).get("result").get("orderId").asText()).isEqualTo("2");
        List<CallLog.Interval> intervals = tools.log.intervals();
        assertThat(intervals).hasSize(3);
        assertThat(intervals.get(0).overlaps(intervals.get(1))).isTrue();
        assertThat(intervals.get(1).overlaps(intervals.get(2))).isTrue();
    }

    @Test
    void should_pass_referenced_values_with_their_json_type_and_order_a_keyed_write_after_its_read() throws Exception {
        ShopTools tools = new ShopTools();
        List<ToolExecutionRequest> calls = List.of(
                call("call_1", "order", "{\"orderId\":\"7\"}"),
                call("call_2", "customer", "{\"customerId\":\"$call_1.customerId\"}"),
                call("call_3", "cancel", "{\"orderId\":\"7\"}"));
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(calls);
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools)
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        assistant.chat("cancel 7");

        List<String> texts = ScriptedChatModel.toolResults(model.lastRequest());
        assertThat(JSON.readTree(texts.get(1)).get("result").get("id").asText()).isEqualTo("c-7");
        assertThat(tools.log.only("cancel").start()).isGreaterThanOrEqualTo(tools.log.only("order").end());
        assertThat(tools.log.only("customer").start()).isGreaterThanOrEqualTo(tools.log.only("order").end());
        assertThat(JSON.readTree(texts.get(2)).get("wave").asInt()).isEqualTo(2);
    }
}
