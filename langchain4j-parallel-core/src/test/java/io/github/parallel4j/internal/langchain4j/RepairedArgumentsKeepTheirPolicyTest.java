package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * When LangChain4j's handlers judge bad arguments, only arguments LangChain4j itself cannot read go to the tool's
 * executor as they are: arguments it repairs (a trailing comma) run as any call, under the tool's keys.
 */
class RepairedArgumentsKeepTheirPolicyTest {

    interface Assistant {
        String chat(String message);
    }

    static class Orders {
        final Queue<String> cancelled = new ConcurrentLinkedQueue<>();

        @Tool
        @Writes(resourceKey = "order:{orderId}")
        String cancel(String orderId) {
            cancelled.add(orderId);
            return "cancelled " + orderId;
        }
    }

    @Test
    void should_run_a_keyed_write_with_a_trailing_comma_under_its_keys_when_handlers_judge_arguments() {
        Orders orders = new Orders();
        PlanRecorder plans = new PlanRecorder();
        ParallelTools parallel = ParallelTools.builder().toolErrorHandling(ToolErrorHandling.LANGCHAIN4J_HANDLERS)
                .turnObserver(plans).build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "cancel", "{\"orderId\": \"7\",}"), call("c2", "cancel", "{\"orderId\": \"8\"}")));

        parallel.install(AiServices.builder(Assistant.class), orders).chatModel(model).build().chat("go");

        assertThat(orders.cancelled).containsExactlyInAnyOrder("7", "8");
        PlannedCall repaired = plans.calls(0).get(0);
        // Not the exclusive write a call its tool must judge becomes: ordered only by its own key.
        assertThat(repaired.policy().isExclusive()).isFalse();
        assertThat(repaired.keys()).extracting(Object::toString).containsExactly("order:7");
        assertThat(plans.calls(0).get(1).orderPredecessors()).isEmpty();
    }
}
