package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.internal.langchain4j.GappedStreamingModel.call;
import static io.github.parallel4j.internal.langchain4j.GappedStreamingModel.gap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ParallelToolsBuilder;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.FailFast;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.observe.TurnTimeline;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A streaming model with {@code executeToolsConcurrently()}: each call starts as it streams in, and the message is
 * still one turn, with references both ways, the model's order on conflicts, one budget, fail-fast, shared identical
 * reads and one report. The model waits in its gaps for what a test needs to have happened (a tool started), so a
 * library that waited for the complete message would leave each gap closed. Calls whose order a test checks are
 * separated by a gap: calls streamed in the same instant reach the library on LangChain4j's threads in either order.
 */
class StreamedMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();
        private final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
        final CountDownLatch hangInterrupted = new CountDownLatch(1);

        CountDownLatch started(String what) {
            return started.computeIfAbsent(what, k -> new CountDownLatch(1));
        }

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        String order(String orderId) {
            return log.record("order", orderId, () -> {
                started("order " + orderId).countDown();
                Thread.sleep(50); // long enough that calls overlap when nothing orders them
                return "{\"orderId\":\"" + orderId + "\",\"next\":\"" + orderId + "0\"}";
            });
        }

        @Tool
        @Writes(resourceKey = "order:{orderId}")
        String cancel(String orderId) {
            return log.record("cancel", orderId, () -> {
                started("cancel " + orderId).countDown();
                Thread.sleep(50);
                return "cancelled";
            });
        }

        @Tool
        @Writes
        String post(String text) {
            return log.record("post", text, () -> {
                started("post").countDown();
                Thread.sleep(50);
                return "posted";
            });
        }

        @Tool
        @ParallelSafe
        String hang(String id) {
            return log.record("hang", id, () -> {
                started("hang").countDown();
                try {
                    new CountDownLatch(1).await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    hangInterrupted.countDown();
                    throw e;
                }
                return "woke";
            });
        }

        @Tool
        @ParallelSafe
        String logs(String service) {
            return log.record("logs", service, () -> {
                started("logs " + service).countDown();
                return "[" + ("\"" + service + " " + "z".repeat(80) + "\",").repeat(300) + "\"end\"]"; // ~27 KB
            });
        }

        @Tool
        @Writes(resourceKey = "card:{id}")
        @FailFast
        String charge(String id) {
            return log.record("charge", id, () -> {
                throw new IllegalStateException("card declined");
            });
        }
    }

    private final List<TurnReport> reports = new CopyOnWriteArrayList<>();
    private ParallelTools parallel;

    private StreamingAssistant assistant(ParallelToolsBuilder<ParallelTools> builder, Tools tools, GappedStreamingModel model) {
        parallel = builder.turnListener(reports::add).build();
        return parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently()
                .build();
    }

    private static List<JsonNode> run(StreamingAssistant assistant, GappedStreamingModel model) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        assistant.chat("go").onPartialResponse(p -> {})
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        List<JsonNode> observations = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.followUps.get(0))) {
            observations.add(JSON.readTree(text));
        }
        return observations;
    }

    private static CallLog.Interval interval(Tools tools, String name, String detail) {
        return tools.log.intervals().stream().filter(i -> i.name().equals(name) && i.detail().equals(detail))
                .findFirst().orElseThrow(() -> new AssertionError(name + " " + detail + " did not run"));
    }

    @Test
    void should_start_calls_as_they_stream_in_and_fill_references_to_earlier_and_later_calls() throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "order", "{\"orderId\":\"1\"}")),
                gap(tools.started("order 1")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"$call_3.next\"}")),
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"2\"}")),
                gap(tools.started("order 2")),
                call(ScriptedChatModel.call("call_4", "order", "{\"orderId\":\"$call_1.next\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder(), tools, model), model);

        model.assertGapsOpened();
        assertThat(interval(tools, "order", "1").start()).as("call_1 started before the message was complete")
                .isLessThan(model.completedAt.get(0));
        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(observations.get(1).toString()).as("forward reference filled").contains("\"orderId\":\"20\"");
        assertThat(observations.get(3).toString()).as("backward reference filled").contains("\"orderId\":\"10\"");
        assertThat(interval(tools, "order", "2").end()).isLessThanOrEqualTo(interval(tools, "order", "20").start());
        assertThat(tools.log.intervals()).as("each call ran once").hasSize(4);
        assertThat(tools.log.intervals()).noneMatch(i -> i.detail().startsWith("$"));
        // the turn's listener may run after the answer (it is told outside the batch's monitor): wait for it
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !reports.isEmpty());
        assertThat(reports).as("one report for the message").hasSize(1);
        assertThat(reports.get(0).calls()).extracting(CallReport::id)
                .containsExactly("call_1", "call_2", "call_3", "call_4");
        assertThat(reports.get(0).waveCount()).isEqualTo(2);
        CallReport third = reports.get(0).calls().get(2);
        CallReport fourth = reports.get(0).calls().get(3);
        assertThat(fourth.arrivedNanos()).as("call_4 streamed in after call_3 had started")
                .isGreaterThan(third.startNanos());
        assertThat(TurnTimeline.ascii(reports.get(0), 60)).as("the timeline marks arrivals").contains(">");
        assertThat(TurnTimeline.html(reports.get(0), "streamed")).contains("class=\"arrival\"");
    }

    @Test
    void should_keep_the_models_order_on_conflicts_and_run_an_exclusive_write_alone() throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "cancel", "{\"orderId\":\"1\"}")),
                gap(tools.started("cancel 1")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"1\"}")),
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"2\"}")),
                gap(tools.started("order 2")),
                call(ScriptedChatModel.call("call_4", "post", "{\"text\":\"summary\"}")),
                gap(tools.started("post")),
                call(ScriptedChatModel.call("call_5", "order", "{\"orderId\":\"3\"}")),
                call(ScriptedChatModel.call("call_6", "cancel", "{\"orderId\":\"2\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder(), tools, model), model);

        model.assertGapsOpened();
        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(tools.log.intervals()).as("each call ran once").hasSize(6);
        assertThat(interval(tools, "cancel", "1").end()).isLessThanOrEqualTo(interval(tools, "order", "1").start());
        assertThat(interval(tools, "order", "2").end()).isLessThanOrEqualTo(interval(tools, "cancel", "2").start());
        CallLog.Interval post = interval(tools, "post", "summary");
        for (CallLog.Interval other : tools.log.intervals()) {
            if (other != post) {
                assertThat(other.overlaps(post)).as("%s overlaps the exclusive write", other).isFalse();
            }
        }
        // Model order around the exclusive write: what came before it ended first, what came after started after.
        assertThat(interval(tools, "order", "2").end()).isLessThanOrEqualTo(post.start());
        assertThat(post.end()).isLessThanOrEqualTo(interval(tools, "order", "3").start());
    }

    @Test
    void should_give_the_message_one_budget_from_its_first_call() throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "hang", "{\"id\":\"a\"}")),
                gap(tools.hangInterrupted),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"5\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder().turnTimeout(Duration.ofMillis(300)),
                tools, model), model);

        model.assertGapsOpened();
        assertThat(observations).extracting(o -> o.get("error_code").asText())
                .containsExactly("BUDGET_EXCEEDED", "BUDGET_EXCEEDED");
        assertThat(observations.get(1).get("error").asText()).contains("did not run");
        assertThat(tools.log.count("order")).as("a call arriving after the budget ran out does not run").isZero();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !reports.isEmpty());
        assertThat(reports).hasSize(1);
    }

    @Test
    void should_cancel_what_is_running_and_what_arrives_later_when_a_fail_fast_call_fails() throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "hang", "{\"id\":\"a\"}")),
                gap(tools.started("hang")),
                call(ScriptedChatModel.call("call_2", "charge", "{\"id\":\"card\"}")),
                gap(tools.hangInterrupted),
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"5\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder(), tools, model), model);

        model.assertGapsOpened();
        assertThat(observations).extracting(o -> o.get("error_code").asText())
                .containsExactly("CANCELLED", "TOOL_ERROR", "CANCELLED");
        assertThat(observations.get(2).get("error").asText()).contains("call_2 (charge) failed");
        assertThat(tools.log.count("order")).isZero();
    }

    @Test
    void should_refuse_a_reference_the_message_never_fills_and_a_cycle_that_closes_later() throws Exception {
        Tools tools = new Tools();
        // The first call has started before the rest stream in, so the message is a streamed one whatever the timing
        // (a message whose complete response reaches the library before any of its calls is planned as a whole).
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "order", "{\"orderId\":\"4\"}")),
                gap(tools.started("order 4")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"$call_9.next\"}")),
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"$call_4.next\"}")),
                call(ScriptedChatModel.call("call_4", "order", "{\"orderId\":\"$call_3.next\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder(), tools, model), model);

        model.assertGapsOpened();
        assertThat(observations).extracting(o -> o.path("error_code").asText())
                .containsExactly("", "UNRESOLVED_REFERENCE", "CYCLE", "CYCLE");
        assertThat(observations.get(1).get("error").asText()).contains("no call has id 'call_9'");
        // call_3 and call_4 stream in at once: whichever reaches the library second closes the cycle.
        assertThat(observations.get(2).get("error").asText()).containsAnyOf(
                "call_4 waits for call_3 waits for call_4", "call_3 waits for call_4 waits for call_3");
        assertThat(tools.log.intervals()).extracting(CallLog.Interval::detail).containsExactly("4");
    }

    @Test
    void should_run_an_identical_read_once_and_share_its_result() throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "order", "{\"orderId\":\"7\"}")),
                gap(tools.started("order 7")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"7\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder().deduplicateReads(true), tools, model),
                model);

        model.assertGapsOpened();
        assertThat(tools.log.count("order")).isEqualTo(1);
        assertThat(observations).allSatisfy(o -> {
            assertThat(o.get("ok").asBoolean()).isTrue();
            assertThat(o.toString()).contains("\"orderId\":\"7\"");
        });
    }

    @Test
    void should_cancel_a_call_waiting_for_a_later_one_when_the_stream_fails_and_run_none_delivered_after()
            throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"$call_3.next\"}")),
                new GappedStreamingModel.Error(new IllegalStateException("connection reset")),
                // As langchain4j-open-ai does when the connection drops: the last call still comes, then the response.
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"3\"}"))));
        StreamingAssistant assistant = assistant(ParallelTools.builder(), tools, model);
        CompletableFuture<Throwable> error = new CompletableFuture<>();

        assistant.chat("go").onPartialResponse(p -> {}).onError(error::complete).start();

        assertThat(error.get(10, TimeUnit.SECONDS)).hasMessageContaining("connection reset");
        List<JsonNode> observations = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.answered.get(10, TimeUnit.SECONDS))) {
            observations.add(JSON.readTree(text));
        }
        assertThat(tools.log.intervals()).as("nothing ran: the waiting call was cancelled, the late one refused")
                .isEmpty();
        assertThat(observations).extracting(o -> o.path("error_code").asText())
                .containsExactly("CANCELLED", "CANCELLED");
        assertThat(observations).allSatisfy(o -> assertThat(o.get("error").asText()).contains("did not run")
                .contains("the AI service invocation failed (IllegalStateException)")
                .doesNotContain("connection reset"));
        StreamingLifecycleTest.awaitNoInvocationState(parallel);
    }

    @Test
    void should_hold_the_per_turn_cap_and_the_turns_observation_share_across_the_message() throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "logs", "{\"service\":\"a\"}")),
                gap(tools.started("logs a")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"1\"}")),
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"2\"}")),
                call(ScriptedChatModel.call("call_4", "logs", "{\"service\":\"b\"}"))));

        List<JsonNode> observations = run(assistant(ParallelTools.builder().maxConcurrentCallsPerTurn(1)
                .maxObservationChars(16_000).maxTurnObservationChars(12_000), tools, model), model);

        model.assertGapsOpened();
        List<CallLog.Interval> runs = tools.log.intervals();
        assertThat(runs).hasSize(4);
        for (CallLog.Interval a : runs) {
            for (CallLog.Interval b : runs) {
                assertThat(a != b && a.overlaps(b)).as("%s overlaps %s under a cap of 1 per turn", a, b).isFalse();
            }
        }
        int total = observations.stream().mapToInt(o -> o.toString().length()).sum();
        assertThat(total).as("the message's observations share one turn budget").isLessThanOrEqualTo(12_000);
        assertThat(observations.get(0).get("truncated").asBoolean()).isTrue();
        assertThat(observations.get(3).get("truncated").asBoolean()).isTrue();
    }
}
