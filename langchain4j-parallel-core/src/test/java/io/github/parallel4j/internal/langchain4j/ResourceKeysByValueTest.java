package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.AiServiceTool;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.ResourceKey;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A resource key is filled from the value the tool receives, not from how the model spelled it: for a
 * {@code long}, {@code 1}, {@code 1.0}, {@code "1"}, {@code " 1"}, {@code "01"} and {@code 1e0} are one order.
 */
class ResourceKeysByValueTest {

    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    static class Orders {
        final CallLog log = new CallLog();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicReference<String> status = new AtomicReference<>("open");
        volatile CountDownLatch secondCancelStarted = new CountDownLatch(0);
        final CountDownLatch firstCancelRunning = new CountDownLatch(1);

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        String order(long orderId) {
            reads.incrementAndGet();
            return log.record("order", String.valueOf(orderId), () -> "order " + orderId + " is " + status.get());
        }

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        @CacheFor(value = 5, unit = ChronoUnit.MINUTES)
        String status(long orderId) {
            reads.incrementAndGet();
            return status.get();
        }

        @Tool
        @Writes(resourceKey = "order:{orderId}")
        String cancel(long orderId) {
            return log.record("cancel", String.valueOf(orderId), () -> {
                firstCancelRunning.countDown();
                CountDownLatch other = secondCancelStarted;
                other.countDown();
                // The first cancel waits (boundedly) for a second one to start: it never may while this one runs.
                other.await(300, TimeUnit.MILLISECONDS);
                status.set("cancelled");
                return "cancelled " + orderId;
            });
        }
    }

    @Test
    void should_order_every_spelling_of_an_order_after_its_cancel_and_read_it_once() {
        Orders orders = new Orders();
        PlanRecorder plans = new PlanRecorder();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("w", "cancel", "{\"orderId\":1}"),
                call("r1", "order", "{\"orderId\":\"1\"}"),
                call("r2", "order", "{\"orderId\":\" 1\"}"),
                call("r3", "order", "{\"orderId\":\"01\"}"),
                call("r4", "order", "{\"orderId\":1.0}"),
                call("r5", "order", "{\"orderId\":1e0}")));
        ParallelTools.builder().turnObserver(plans).build()
                .install(AiServices.builder(Assistant.class), orders)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .chatModel(model).build().chat("alice", "cancel order 1 and show it");

        List<PlannedCall> calls = plans.calls(0);
        assertThat(calls).extracting(PlannedCall::keys).containsOnly(List.of(ResourceKey.of("order:1")));
        assertThat(calls.get(1).orderPredecessors()).containsExactly(0);
        assertThat(calls.subList(2, 6)).extracting(PlannedCall::duplicateOf).containsOnly(1);
        assertThat(orders.reads.get()).as("five spellings of one read ran once").isEqualTo(1);
        CallLog.Interval cancel = orders.log.only("cancel");
        assertThat(orders.log.only("order").start()).as("the read started after the write ended")
                .isGreaterThanOrEqualTo(cancel.end());
        assertThat(model.observations()).extracting(o -> o.at("/result").asText())
                .containsExactly("cancelled 1", "order 1 is cancelled", "order 1 is cancelled",
                        "order 1 is cancelled", "order 1 is cancelled", "order 1 is cancelled");
    }

    @Test
    void should_not_share_a_read_across_a_write_to_its_order_however_the_write_spells_it() {
        Orders orders = new Orders();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("r1", "order", "{\"orderId\":1}"),
                call("w", "cancel", "{\"orderId\":\"01\"}"),
                call("r2", "order", "{\"orderId\":1}")));
        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), orders)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .chatModel(model).build().chat("alice", "show, cancel, show");

        assertThat(orders.reads.get()).as("the second read ran after the write instead of sharing the first").isEqualTo(2);
        assertThat(model.observations()).extracting(o -> o.at("/result").asText())
                .containsExactly("order 1 is open", "cancelled 1", "order 1 is cancelled");
    }

    @Test
    void should_never_run_two_conversations_cancels_of_one_order_at_once_however_spelled() throws Exception {
        Orders orders = new Orders();
        orders.secondCancelStarted = new CountDownLatch(2);
        ParallelTools parallel = ParallelTools.builder().build();
        Assistant alice = assistant(parallel, orders, call("a", "cancel", "{\"orderId\":1}"));
        Assistant bob = assistant(parallel, orders, call("b", "cancel", "{\"orderId\":\" 01\"}"));

        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> alice.chat("alice", "cancel 1"));
        assertThat(orders.firstCancelRunning.await(10, TimeUnit.SECONDS)).isTrue();
        String second = bob.chat("bob", "cancel 01");
        first.get(10, TimeUnit.SECONDS);

        List<CallLog.Interval> cancels = orders.log.intervals();
        assertThat(cancels).hasSize(2);
        assertThat(cancels.get(0).overlaps(cancels.get(1))).as("two cancels of order 1 overlapped").isFalse();
        assertThat(second).contains("\"ok\":true");
    }

    private static Assistant assistant(ParallelTools parallel, Object tools, dev.langchain4j.agent.tool.ToolExecutionRequest call) {
        return parallel.install(AiServices.builder(Assistant.class), tools)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .chatModel(ScriptedChatModel.callsThenSummary(List.of(call)))
                .build();
    }

    @Test
    void should_forget_a_cached_read_when_any_spelling_of_its_order_is_written_and_hit_it_by_value() {
        Orders orders = new Orders();
        ParallelTools parallel = ParallelTools.builder().build();
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("s1", "status", "{\"orderId\":1}"))),
                request -> AiMessage.from(List.of(call("s2", "status", "{\"orderId\":\" 1\"}"))),
                request -> AiMessage.from(List.of(call("w", "cancel", "{\"orderId\":\"01\"}"))),
                request -> AiMessage.from(List.of(call("s3", "status", "{\"orderId\":1}"))),
                request -> AiMessage.from("done"));
        parallel.install(AiServices.builder(Assistant.class), orders)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50))
                .chatModel(model).build().chat("alice", "status, cancel, status");

        List<JsonNode> observations = model.observations();
        assertThat(observations.get(1).path("cached").asBoolean()).as("\" 1\" is order 1: a cache hit").isTrue();
        assertThat(observations.get(3).at("/result").asText()).as("the cancel of \"01\" made order 1's read stale")
                .isEqualTo("cancelled");
        assertThat(orders.reads.get()).isEqualTo(2);
    }

    static class Pairs {
        @Tool
        @ParallelSafe(resourceKey = "pair:{a}:{b}")
        String read(String a, String b) {
            return a + "|" + b;
        }

        @Tool
        @Writes(resourceKey = "pair:{a}:{b}")
        String write(String a, String b) {
            return "written";
        }
    }

    @Test
    void should_keep_two_argument_tuples_apart_when_a_value_holds_the_separator() {
        PlanRecorder plans = new PlanRecorder();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("w", "write", "{\"a\":\"x:y\",\"b\":\"z\"}"),
                call("r", "read", "{\"a\":\"x\",\"b\":\"y:z\"}")));
        ParallelTools.builder().turnObserver(plans).build()
                .install(AiServices.builder(Assistant.class), new Pairs())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .chatModel(model).build().chat("alice", "go");

        List<PlannedCall> calls = plans.calls(0);
        assertThat(calls.get(0).keys()).containsExactly(ResourceKey.of("pair:x%3Ay:z"));
        assertThat(calls.get(1).keys()).containsExactly(ResourceKey.of("pair:x:y%3Az"));
        assertThat(calls.get(1).orderPredecessors()).as("different pairs do not conflict").isEmpty();
    }

    @Test
    void should_take_numbers_by_value_and_strings_as_written_for_a_tool_without_a_java_method() {
        PlanRecorder plans = new PlanRecorder();
        AiServiceTool item = AiServiceTool.builder()
                .toolSpecification(ToolSpecification.builder().name("item")
                        .parameters(JsonObjectSchema.builder().addNumberProperty("id").build()).build())
                .toolExecutor((request, memoryId) -> "ok")
                .build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("a", "item", "{\"id\":1}"), call("b", "item", "{\"id\":1.0}"), call("c", "item", "{\"id\":1e0}"),
                call("d", "item", "{\"id\":10}"), call("e", "item", "{\"id\":\" 1\"}")));
        ParallelTools.builder().toolPolicy("item", ToolPolicy.write("item:{id}")).turnObserver(plans).build()
                .install(AiServices.builder(Assistant.class), item)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .chatModel(model).build().chat("alice", "go");

        assertThat(plans.calls(0)).extracting(c -> c.keys().get(0).text())
                .containsExactly("item:1", "item:1", "item:1", "item:10", "item: 1");
    }
}
