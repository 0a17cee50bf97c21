package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Arguments that LangChain4j's tool executor repairs run as they do without the library; arguments it cannot
 * read are refused with the original exception kept.
 */
class ArgumentsAsLangChain4jReadsThemTest {

    interface Assistant {
        String chat(String message);
    }

    static class Orders {
        final List<Long> received = new CopyOnWriteArrayList<>();

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        String order(long orderId) {
            received.add(orderId);
            return "order " + orderId;
        }
    }

    private static final List<ToolExecutionRequest> REPAIRABLE = List.of(
            call("a", "order", "\"{\\\"orderId\\\": 7}\""), // a JSON object encoded once more as a JSON string
            call("b", "order", "{\"orderId\": 8,}"), // a trailing comma
            call("c", "order", "{ \"orderId\" : \"9\" ,\n }")); // a trailing comma, a number as a string

    @Test
    void should_run_arguments_langchain4j_repairs_as_they_run_without_the_library() {
        Orders plain = new Orders();
        AiServices.builder(Assistant.class).tools(plain)
                .chatModel(ScriptedChatModel.callsThenSummary(REPAIRABLE)).build().chat("go");

        Orders parallel = new Orders();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(REPAIRABLE);
        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), parallel)
                .chatModel(model).build().chat("go");

        assertThat(plain.received).containsExactlyInAnyOrder(7L, 8L, 9L);
        assertThat(parallel.received).containsExactlyInAnyOrderElementsOf(plain.received);
        assertThat(model.observations()).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
    }

    @Test
    void should_refuse_arguments_nobody_can_read_and_keep_the_original_exception() {
        PlanRecorder plans = new PlanRecorder();
        Orders orders = new Orders();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("a", "order", "{\"orderId\": "), call("b", "order", "{\"orderId\": 3}")));
        ParallelTools.builder().turnObserver(plans).build()
                .install(AiServices.builder(Assistant.class), orders).chatModel(model).build().chat("go");

        JsonNode refused = model.observations().get(0);
        assertThat(refused.get("error_code").asText()).isEqualTo(ErrorCode.INVALID_ARGUMENTS.name());
        assertThat(refused.get("error").asText()).startsWith("the arguments are not valid JSON");
        PlannedCall call = plans.calls(0).get(0);
        assertThat(call.argumentsFailure()).get().satisfies(e -> assertThat(e).hasRootCauseInstanceOf(
                com.fasterxml.jackson.core.JsonProcessingException.class));
        assertThat(plans.calls(0).get(1).argumentsFailure()).isEmpty();
        assertThat(orders.received).containsExactly(3L);
    }
}
