package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.internal.langchain4j.GappedStreamingModel.call;
import static io.github.parallel4j.internal.langchain4j.GappedStreamingModel.gap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.internal.langchain4j.StreamedMessageTest.Tools;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the calls of a message reach the library on LangChain4j's threads, in an order the library does not choose:
 * after the complete response, in reverse, on a bounded executor, or around the invocation's failure. Each test's
 * executor forces the order that broke an earlier version, so that the order the tools ran in is the library's.
 */
class StreamedArrivalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    interface BothAssistant {
        String ask(String message);

        TokenStream chat(String message);
    }

    private final List<TurnReport> reports = new CopyOnWriteArrayList<>();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void stopPools() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    /**
     * Holds LangChain4j's tasks until released, then starts the last one first and the others only once the tool
     * {@code waitFor} names has started (or 10 s passed, which {@link #assertOpened} fails): the reverse of the
     * model's order, forced.
     */
    static class ReversingExecutor implements Executor {
        private final List<Runnable> tasks = new CopyOnWriteArrayList<>();
        private final CountDownLatch waitFor;
        final CountDownLatch allDone;
        /** Whether what the reversed start waited for happened (rather than the wait timing out). */
        private final CompletableFuture<Boolean> opened = new CompletableFuture<>();

        ReversingExecutor(CountDownLatch waitFor, int expected) {
            this.waitFor = waitFor;
            this.allDone = new CountDownLatch(expected);
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(() -> {
                try {
                    task.run();
                } finally {
                    allDone.countDown();
                }
            });
        }

        /** Starts the held tasks, last first, on a thread of its own (never the caller's). */
        void release() {
            Thread releaser = new Thread(() -> {
                List<Runnable> held = new ArrayList<>(tasks);
                new Thread(held.get(held.size() - 1), "reversed-last").start();
                try {
                    opened.complete(waitFor.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    opened.complete(false);
                    return;
                }
                for (int i = held.size() - 2; i >= 0; i--) {
                    new Thread(held.get(i), "reversed-" + i).start();
                }
            }, "releaser");
            releaser.setDaemon(true);
            releaser.start();
        }

        int held() {
            return tasks.size();
        }

        /** Asserts that the last call started while the others' threads were still held, without a timeout. */
        void assertOpened() throws Exception {
            assertThat(opened.get(30, TimeUnit.SECONDS)).as("the call started while LangChain4j's threads for the calls"
                    + " before it were held: the library ran those itself").isTrue();
        }
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
    void should_run_conflicting_calls_that_reach_the_library_after_the_complete_response_in_the_models_order()
            throws Exception {
        Tools tools = new Tools();
        ReversingExecutor executor = new ReversingExecutor(tools.started("order 1"), 2);
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "cancel", "{\"orderId\":\"1\"}")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"1\"}"))));
        ParallelTools parallel = ParallelTools.builder().turnListener(reports::add).build();
        AiServices<StreamingAssistant> builder = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(executor);
        // Registered after the library's own listener, so it runs after the library has seen the complete message.
        builder.registerListeners((AiServiceResponseReceivedListener) event -> {
            if (executor.held() == 2) {
                executor.release();
            }
        });

        List<JsonNode> observations = run(builder.build(), model);

        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(interval(tools, "cancel", "1").end()).as("the write the model sent first ran first")
                .isLessThanOrEqualTo(interval(tools, "order", "1").start());
        executor.assertOpened();
        assertThat(reports).hasSize(1);
    }

    @Test
    void should_plan_a_synchronous_invocation_of_a_service_that_also_streams_as_one_batch() throws Exception {
        Tools tools = new Tools();
        ReversingExecutor executor = new ReversingExecutor(tools.started("order 1"), 3) {
            @Override
            public void execute(Runnable task) {
                super.execute(task);
                if (held() == 3) {
                    release(); // LangChain4j submits a whole message's calls at once, after the message
                }
            }
        };
        ScriptedChatModel chat = ScriptedChatModel.callsThenSummary(List.of(
                ScriptedChatModel.call("toolu_1", "cancel", "{\"orderId\":\"1\"}"),
                ScriptedChatModel.call("toolu_2", "order", "{\"orderId\":\"$toolu_3.next\"}"),
                ScriptedChatModel.call("toolu_3", "order", "{\"orderId\":\"1\"}")));
        ParallelTools parallel = ParallelTools.builder().turnListener(reports::add).build();
        BothAssistant assistant = parallel.install(AiServices.builder(BothAssistant.class), tools)
                .chatModel(chat)
                .streamingChatModel(new GappedStreamingModel())
                .executeToolsConcurrently(executor)
                .build();

        assistant.ask("go");

        List<JsonNode> observations = chat.observations();
        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(interval(tools, "cancel", "1").end()).as("the model's order on the conflict")
                .isLessThanOrEqualTo(interval(tools, "order", "1").start());
        assertThat(observations.get(1).toString()).as("a reference to a later call, known from the whole message")
                .contains("\"orderId\":\"10\"");
        executor.assertOpened();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).calls()).hasSize(3);
    }

    @Test
    void should_not_need_a_thread_per_call_when_the_executor_is_bounded() throws Exception {
        Tools tools = new Tools();
        ExecutorService two = Executors.newFixedThreadPool(2);
        pools.add(two);
        // call_1 waits for call_4, which LangChain4j can hand over only once a thread is free.
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "order", "{\"orderId\":\"$call_4.next\"}")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"2\"}")),
                call(ScriptedChatModel.call("call_3", "order", "{\"orderId\":\"3\"}")),
                call(ScriptedChatModel.call("call_4", "order", "{\"orderId\":\"4\"}")),
                call(ScriptedChatModel.call("call_5", "order", "{\"orderId\":\"5\"}"))));
        ParallelTools parallel = ParallelTools.builder().turnListener(reports::add).build(); // default turn share on
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(two)
                .build();

        List<JsonNode> observations = run(assistant, model);

        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(observations.get(0).toString()).contains("\"orderId\":\"40\"");
        assertThat(tools.log.intervals()).as("each call ran once").hasSize(5);
        assertThat(reports).hasSize(1);
    }

    @Test
    void should_start_nothing_of_a_call_that_arrives_while_the_invocation_fails() throws Exception {
        Tools tools = new Tools();
        CountDownLatch turnStarting = new CountDownLatch(1);
        CountDownLatch errorTold = new CountDownLatch(1);
        // The first call's turn starts while the stream fails: the observer holds it until the caller was told.
        TurnObserver observer = turn -> {
            turnStarting.countDown();
            try {
                errorTold.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        ExecutorService one = Executors.newSingleThreadExecutor();
        pools.add(one);
        CountDownLatch taskDone = new CountDownLatch(1);
        Executor counting = task -> one.execute(() -> {
            try {
                task.run();
            } finally {
                taskDone.countDown();
            }
        });
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "post", "{\"text\":\"hello\"}")),
                gap(turnStarting),
                new GappedStreamingModel.Error(new IllegalStateException("connection reset"))));
        // Tools start on the thread that adds the call, so a call added after the failure would start at once.
        ParallelTools parallel = ParallelTools.builder().turnObserver(observer).executor(Runnable::run).build();
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(counting)
                .build();

        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        assistant.chat("go").onPartialResponse(p -> {})
                .onCompleteResponse(r -> failed.complete(null))
                .onError(e -> {
                    errorTold.countDown();
                    failed.complete(e);
                })
                .start();

        assertThat(failed.get(30, TimeUnit.SECONDS)).isNotNull();
        assertThat(taskDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tools.started("post").getCount()).as("the write did not start after the caller was told").isOne();
    }

    @Test
    void should_run_once_a_call_whose_complete_response_copy_differs_from_the_one_that_streamed_in() throws Exception {
        Tools tools = new Tools();
        CompletableFuture<String> done = new CompletableFuture<>();
        CompletableFuture<Boolean> startedEarly = new CompletableFuture<>();
        // The complete response holds the call with the same id and other whitespace: not equal, the same call.
        StreamingChatModel model = new StreamingChatModel() {
            private final AtomicInteger requests = new AtomicInteger();

            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                if (requests.getAndIncrement() > 0) {
                    handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("done")).build());
                    return;
                }
                new Thread(() -> {
                    handler.onCompleteToolCall(new CompleteToolCall(0,
                            ScriptedChatModel.call("call_1", "order", "{\"orderId\":\"1\"}")));
                    handler.onCompleteToolCall(new CompleteToolCall(1,
                            ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"2\"}")));
                    try {
                        startedEarly.complete(tools.started("order 1").await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        startedEarly.complete(false);
                        return;
                    }
                    handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(List.of(
                            ScriptedChatModel.call("call_1", "order", "{\"orderId\": \"1\"}"),
                            ScriptedChatModel.call("call_2", "order", "{\"orderId\": \"2\"}")))).build());
                }).start();
            }
        };
        ParallelTools parallel = ParallelTools.builder().turnListener(reports::add).build();
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently()
                .build();

        assistant.chat("go").onPartialResponse(p -> {})
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();

        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(startedEarly.get(1, TimeUnit.SECONDS)).as("the call started from the stream, before its message was"
                + " complete (the streamed path, not a whole batch)").isTrue();
        assertThat(tools.log.intervals()).as("each call ran once").hasSize(2);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).calls()).hasSize(2);
    }

    /**
     * Holds the first task LangChain4j submits, runs every later one at once on a thread of its own, and starts the
     * first only once the second has finished: the second call of the message reaches the library first, before the
     * message is complete.
     */
    static final class SecondFirstExecutor implements Executor {
        private final List<Runnable> first = new CopyOnWriteArrayList<>();

        @Override
        public void execute(Runnable task) {
            if (first.isEmpty()) {
                first.add(task);
                return;
            }
            boolean second = first.size() == 1;
            first.add(task);
            new Thread(() -> {
                try {
                    task.run();
                } finally {
                    if (second) {
                        new Thread(first.get(0), "held-first").start();
                    }
                }
            }, "arrives-first").start();
        }
    }

    @Test
    void should_keep_the_models_order_when_a_later_call_reaches_the_library_first_before_the_message_is_complete()
            throws Exception {
        Tools tools = new Tools();
        // Both calls complete in one chunk; the message stays open until the read has started.
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "cancel", "{\"orderId\":\"1\"}")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"1\"}")),
                gap(tools.started("order 1"))));
        ParallelTools parallel = ParallelTools.builder().turnListener(reports::add).build();
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(new SecondFirstExecutor())
                .build();

        List<JsonNode> observations = run(assistant, model);

        model.assertGapsOpened();
        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(interval(tools, "cancel", "1").end()).as("the write the model sent first ran first")
                .isLessThanOrEqualTo(interval(tools, "order", "1").start());
        assertThat(tools.log.intervals()).as("each call ran once").hasSize(2);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).calls()).extracting(CallReport::id).containsExactly("call_1", "call_2");
    }

    private void assertNoHangWithoutBudget(Executor executor) throws Exception {
        Tools tools = new Tools();
        // call_1 waits for call_2, which only the stream can deliver; no turn budget would end that wait.
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "order", "{\"orderId\":\"$call_2.next\"}")),
                call(ScriptedChatModel.call("call_2", "order", "{\"orderId\":\"2\"}")),
                call(ScriptedChatModel.call("call_3", "logs", "{\"service\":\"api\"}"))));
        ParallelTools parallel = ParallelTools.builder().turnTimeout(java.time.Duration.ZERO)
                .turnListener(reports::add).build(); // the turn's observation share is on: a wait for the message
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(executor)
                .build();

        List<JsonNode> observations = run(assistant, model);

        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        assertThat(observations.get(0).toString()).contains("\"orderId\":\"20\"");
        assertThat(reports).hasSize(1);
    }

    @Test
    void should_not_run_a_call_on_the_streams_thread_when_the_executor_is_direct() throws Exception {
        assertNoHangWithoutBudget(Runnable::run);
    }

    @Test
    void should_not_run_a_call_on_the_streams_thread_when_a_full_executor_runs_it_on_the_caller() throws Exception {
        java.util.concurrent.ThreadPoolExecutor one = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1,
                TimeUnit.MINUTES, new java.util.concurrent.SynchronousQueue<>(),
                new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
        pools.add(one);
        assertNoHangWithoutBudget(one);
    }

    @Test
    void should_fill_a_forward_reference_to_an_id_not_named_call_and_pass_other_dollar_text_on_unchanged()
            throws Exception {
        Tools tools = new Tools();
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("toolu_1", "order", "{\"orderId\":\"$toolu_2.next\"}")),
                call(ScriptedChatModel.call("toolu_3", "logs", "{\"service\":\"$HOME\"}")),
                call(ScriptedChatModel.call("toolu_0", "order", "{\"orderId\":\"0\"}")),
                gap(tools.started("order 0")), // toolu_0 has started, so the calls before it are in the turn
                call(ScriptedChatModel.call("toolu_2", "order", "{\"orderId\":\"2\"}"))));
        ParallelTools parallel = ParallelTools.builder().turnListener(reports::add).build();
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently()
                .build();

        List<JsonNode> observations = run(assistant, model);

        assertThat(observations).as(observations.toString()).extracting(o -> o.get("ok").asBoolean()).containsOnly(true);
        model.assertGapsOpened();
        assertThat(interval(tools, "order", "20").start()).as("toolu_1 waited for toolu_2, which came later")
                .isGreaterThanOrEqualTo(interval(tools, "order", "2").end());
        assertThat(interval(tools, "logs", "$HOME")).as("no call HOME: the text reached the tool").isNotNull();
        assertThat(reports).hasSize(1);
    }

    @Test
    void should_report_a_turn_that_ends_before_its_message_is_complete_in_the_models_order() throws Exception {
        Tools tools = new Tools();
        CountDownLatch reported = new CountDownLatch(1);
        // The budget ends the turn while the message is still open; the later call reached the library first.
        GappedStreamingModel model = new GappedStreamingModel(List.of(
                call(ScriptedChatModel.call("call_1", "hang", "{\"id\":\"a\"}")),
                call(ScriptedChatModel.call("call_2", "hang", "{\"id\":\"b\"}")),
                gap(reported)));
        ParallelTools parallel = ParallelTools.builder().turnTimeout(java.time.Duration.ofMillis(300))
                .turnListener(report -> {
                    reports.add(report);
                    reported.countDown();
                }).build();
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(new SecondFirstExecutor())
                .build();

        List<JsonNode> observations = run(assistant, model);

        model.assertGapsOpened();
        assertThat(observations).extracting(o -> o.get("ok").asBoolean()).containsOnly(false);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).calls()).as("both had joined, in the model's order")
                .extracting(CallReport::id).containsExactly("call_1", "call_2");
    }
}
