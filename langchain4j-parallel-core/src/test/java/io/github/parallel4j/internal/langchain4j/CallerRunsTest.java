package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ToolCallContext;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.ToolTimeout;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The thread that starts a turn without a budget runs one of its calls itself, and only then: with a budget, a
 * call's own timeout, a user's executor, or a streaming AI service, every call runs on a tool thread.
 */
class CallerRunsTest {

    interface Assistant {
        String chat(String message);
    }

    /** Tools that note the thread each call ran on, by call id. */
    static class Recording {
        final Map<String, Thread> ranOn = new ConcurrentHashMap<>();

        @Tool
        @ParallelSafe
        public String look(String q) {
            ranOn.put(ToolCallContext.current().orElseThrow().callId(), Thread.currentThread());
            return "seen " + q;
        }

        @Tool
        @ParallelSafe
        @ToolTimeout(30)
        public String timed(String q) {
            ranOn.put(ToolCallContext.current().orElseThrow().callId(), Thread.currentThread());
            return "timed " + q;
        }
    }

    interface Streaming {
        dev.langchain4j.service.TokenStream chat(String message);
    }

    private static Assistant assistant(ParallelTools parallel, Object tools, ScriptedChatModel model) {
        return parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
    }

    @Test
    void should_run_the_only_call_on_the_calling_thread_when_the_turn_has_no_budget() {
        Recording tools = new Recording();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "look", "{\"q\":\"a\"}")));

        assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).build(), tools, model).chat("go");

        assertThat(tools.ranOn.get("c1")).isSameAs(Thread.currentThread());
        assertThat(model.observations().get(0).get("ok").asBoolean()).isTrue();
        assertThat(model.observations().get(0).get("result").asText()).isEqualTo("seen a");
    }

    @Test
    void should_hand_every_call_to_a_tool_thread_when_there_is_a_budget_a_timeout_or_a_users_executor() {
        Recording withBudget = new Recording();
        assistant(ParallelTools.builder().build(), withBudget,
                ScriptedChatModel.callsThenSummary(List.of(call("c1", "look", "{\"q\":\"a\"}")))).chat("go");
        assertThat(withBudget.ranOn.get("c1")).isNotSameAs(Thread.currentThread());

        Recording timed = new Recording();
        assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).build(), timed,
                ScriptedChatModel.callsThenSummary(List.of(call("c1", "timed", "{\"q\":\"a\"}")))).chat("go");
        assertThat(timed.ranOn.get("c1")).as("a call with its own timeout").isNotSameAs(Thread.currentThread());

        ExecutorService users = Executors.newSingleThreadExecutor(r -> new Thread(r, "users-pool"));
        try {
            Recording onUsers = new Recording();
            assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).executor(users).build(), onUsers,
                    ScriptedChatModel.callsThenSummary(List.of(call("c1", "look", "{\"q\":\"a\"}")))).chat("go");
            assertThat(onUsers.ranOn.get("c1").getName()).isEqualTo("users-pool");
        } finally {
            users.shutdown();
        }
    }

    /** Each call waits until all of the batch have started: it returns only if they ran at the same time. */
    static class AllAtOnce {
        final CountDownLatch started;
        final Map<String, Thread> ranOn = new ConcurrentHashMap<>();

        AllAtOnce(int calls) {
            started = new CountDownLatch(calls);
        }

        @Tool
        @ParallelSafe
        public String meet(String q) throws InterruptedException {
            ranOn.put(ToolCallContext.current().orElseThrow().callId(), Thread.currentThread());
            started.countDown();
            return started.await(20, TimeUnit.SECONDS) ? "met " + q : "alone " + q;
        }
    }

    @Test
    void should_run_one_call_on_the_caller_while_the_others_run_at_once_on_tool_threads() {
        AllAtOnce tools = new AllAtOnce(4);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "meet", "{\"q\":\"1\"}"),
                call("c2", "meet", "{\"q\":\"2\"}"), call("c3", "meet", "{\"q\":\"3\"}"),
                call("c4", "meet", "{\"q\":\"4\"}")));

        assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).build(), tools, model).chat("go");

        assertThat(model.observations()).extracting(o -> o.get("result").asText())
                .containsExactly("met 1", "met 2", "met 3", "met 4");
        assertThat(tools.ranOn.values().stream().filter(t -> t == Thread.currentThread()).count())
                .as("calls run on the calling thread").isEqualTo(1);
        assertThat(tools.ranOn.get("c1")).as("the first call, which LangChain4j waits for first")
                .isSameAs(Thread.currentThread());
    }

    @Test
    void should_run_every_call_on_tool_threads_when_langchain4j_streams() throws Exception {
        Recording tools = new Recording();
        dev.langchain4j.model.chat.StreamingChatModel streaming = new dev.langchain4j.model.chat.StreamingChatModel() {
            final ScriptedChatModel script =
                    ScriptedChatModel.callsThenSummary(List.of(call("c1", "look", "{\"q\":\"a\"}")));

            @Override
            public void doChat(dev.langchain4j.model.chat.request.ChatRequest request,
                    StreamingChatResponseHandler handler) {
                ChatResponse response = script.chat(request);
                handler.onCompleteResponse(response);
            }
        };
        Streaming assistant = ParallelTools.builder().turnTimeout(Duration.ZERO).build()
                .install(AiServices.builder(Streaming.class), tools).streamingChatModel(streaming).build();
        java.util.concurrent.CompletableFuture<ChatResponse> done = new java.util.concurrent.CompletableFuture<>();

        assistant.chat("go").onPartialResponse(text -> {}).onCompleteResponse(done::complete)
                .onError(done::completeExceptionally).start();
        done.get(10, TimeUnit.SECONDS);

        assertThat(tools.ranOn.get("c1")).isNotNull().isNotSameAs(Thread.currentThread());
        assertThat(tools.ranOn.get("c1").getName()).doesNotStartWith("main");
    }

    /** A tool that asks another AI service, on the thread that runs it. */
    static class Delegating {
        Assistant inner;
        final Map<String, Thread> ranOn = new ConcurrentHashMap<>();

        @Tool
        @ParallelSafe
        public String ask(String q) {
            ranOn.put("outer", Thread.currentThread());
            return "asked: " + inner.chat(q);
        }
    }

    @Test
    void should_answer_a_nested_ai_service_when_a_tool_the_caller_runs_asks_it() {
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ZERO).build();
        Recording innerTools = new Recording();
        // stateless, as each outer call has a conversation of its own with it: two reads, then the summary
        java.util.concurrent.atomic.AtomicInteger innerAnswers = new java.util.concurrent.atomic.AtomicInteger();
        dev.langchain4j.model.chat.ChatModel innerModel = new dev.langchain4j.model.chat.ChatModel() {
            @Override
            public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
                List<String> results = ScriptedChatModel.toolResults(request);
                if (results.isEmpty()) {
                    return ChatResponse.builder().aiMessage(dev.langchain4j.data.message.AiMessage.from(List.of(
                            call("i1", "look", "{\"q\":\"x\"}"), call("i2", "look", "{\"q\":\"y\"}")))).build();
                }
                if (results.stream().allMatch(r -> r.contains("\"ok\":true"))) {
                    innerAnswers.incrementAndGet();
                }
                return ChatResponse.builder().aiMessage(dev.langchain4j.data.message.AiMessage.from("inner done"))
                        .build();
            }
        };
        Delegating outerTools = new Delegating();
        outerTools.inner = parallel.install(AiServices.builder(Assistant.class), innerTools).chatModel(innerModel)
                .build();
        ScriptedChatModel outerModel = ScriptedChatModel.callsThenSummary(List.of(call("o1", "ask", "{\"q\":\"a\"}"),
                call("o2", "ask", "{\"q\":\"b\"}")));

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assistant(parallel, outerTools, outerModel).chat("go"), "no call may be left waiting");

        assertThat(outerModel.observations()).extracting(o -> o.get("result").asText())
                .containsExactly("asked: inner done", "asked: inner done");
        assertThat(innerAnswers).as("inner conversations whose two reads both succeeded").hasValue(2);
        assertThat(outerTools.ranOn.get("outer")).isNotNull();
    }

    /** A call that waits until interrupted, on whichever thread runs it. */
    static class Blocking {
        final CountDownLatch started = new CountDownLatch(2);
        final CountDownLatch never = new CountDownLatch(1);
        final Map<String, Boolean> interrupted = new ConcurrentHashMap<>();

        @Tool
        @ParallelSafe
        public String block(String q) throws InterruptedException {
            started.countDown();
            try {
                never.await();
                return "released";
            } catch (InterruptedException e) {
                interrupted.put(q, true);
                throw e;
            }
        }
    }

    @Test
    void should_cancel_the_whole_invocation_when_its_caller_is_interrupted_inside_the_call_it_runs() throws Exception {
        Blocking tools = new Blocking();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "block", "{\"q\":\"1\"}"),
                call("c2", "block", "{\"q\":\"2\"}")));
        Assistant assistant = assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).build(), tools, model);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(assistant.chat("go"));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });

        caller.start();
        assertThat(tools.started.await(10, TimeUnit.SECONDS)).as("both calls running").isTrue();
        caller.interrupt(); // reaches the call it runs itself; the other, on a tool thread, only through cancelling
        caller.join(10_000);

        assertThat(caller.isAlive()).as("the caller returned: the call on the tool thread was cancelled too").isFalse();
        // the turn answers at once when cancelled; the tool thread's own catch may come a moment later
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(tools.interrupted).containsOnlyKeys("1", "2"));
        if (model.requests().size() == 2) {
            List<String> results = ScriptedChatModel.toolResults(model.lastRequest());
            assertThat(results.get(0)).contains("\"ok\":false");
            assertThat(results.get(1)).contains("CANCELLED");
        } else {
            assertThat(result.get()).isInstanceOf(RuntimeException.class);
        }
    }

    /** A call that blocks until interrupted, and one that notes that it ran. */
    static class BlockThenNote {
        final CountDownLatch started = new CountDownLatch(1);
        final java.util.Set<String> ran = ConcurrentHashMap.newKeySet();

        @Tool
        @ParallelSafe
        public String block(String q) throws InterruptedException {
            started.countDown();
            new CountDownLatch(1).await();
            return "released";
        }

        @Tool
        @ParallelSafe
        public String note(String q) {
            ran.add(q);
            return "noted " + q;
        }
    }

    @Test
    void should_cancel_the_invocation_when_its_caller_is_interrupted_inside_the_only_call_of_its_turn()
            throws Exception {
        BlockThenNote tools = new BlockThenNote();
        ScriptedChatModel model = new ScriptedChatModel(
                request -> dev.langchain4j.data.message.AiMessage.from(List.of(call("c1", "block", "{\"q\":\"1\"}"))),
                request -> dev.langchain4j.data.message.AiMessage.from(List.of(call("c2", "note", "{\"q\":\"2\"}"))),
                request -> dev.langchain4j.data.message.AiMessage.from("done"));
        Assistant assistant = assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).build(), tools, model);
        Thread caller = new Thread(() -> {
            try {
                assistant.chat("go");
            } catch (RuntimeException e) {
                // the invocation may end in an exception of LangChain4j's: what matters is what ran
            }
        });

        caller.start();
        assertThat(tools.started.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt(); // stops c1, on this very thread; its outcome is complete when the caller looks
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(tools.ran).as("a call of the cancelled invocation's next message").isEmpty();
    }

    /** One call that waits until interrupted (and stops then), one that fails fast once the first has started. */
    static class FailFastSibling {
        final CountDownLatch started = new CountDownLatch(1);

        @Tool
        @ParallelSafe
        public String wait(String q) throws InterruptedException {
            started.countDown();
            new CountDownLatch(1).await();
            return "released";
        }

        @Tool
        @ParallelSafe
        @io.github.parallel4j.annotation.FailFast
        public String fail(String q) throws InterruptedException {
            started.await();
            throw new IllegalStateException("broken");
        }
    }

    @Test
    void should_leave_the_caller_uninterrupted_and_go_on_when_a_fail_fast_sibling_cancels_the_call_it_runs() {
        FailFastSibling tools = new FailFastSibling();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "wait", "{\"q\":\"1\"}"),
                call("c2", "fail", "{\"q\":\"2\"}")));

        String answer = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> {
                    String a = assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).build(), tools, model)
                            .chat("go");
                    assertThat(Thread.currentThread().isInterrupted())
                            .as("the library's interrupt of the call it ran stays with that call").isFalse();
                    return a;
                });

        assertThat(answer).isNotNull();
        assertThat(model.requests()).as("the invocation went on to the model").hasSize(2);
        assertThat(model.observations().get(0).get("error_code").asText()).isEqualTo("CANCELLED");
        assertThat(model.observations().get(1).get("error_code").asText()).isEqualTo("TOOL_ERROR");
    }

    @Test
    void should_hold_each_turns_call_in_its_own_slot_when_an_observer_asks_an_ai_service_while_a_turn_starts() {
        ParallelTools innerParallel = ParallelTools.builder().turnTimeout(Duration.ZERO).build();
        Recording innerTools = new Recording();
        // the inner turn: i2 reads i1's output, so i1's end makes i2 ready on whichever thread ran i1
        ScriptedChatModel innerModel = ScriptedChatModel.callsThenSummary(List.of(call("i1", "look", "{\"q\":\"x\"}"),
                call("i2", "look", "{\"q\":\"$i1\"}")));
        Assistant inner = assistant(innerParallel, innerTools, innerModel);
        java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
        io.github.parallel4j.TurnObserver asking = turn -> {
            if (asked.compareAndSet(false, true)) {
                inner.chat("inner"); // on the thread starting the outer turn, its slot open
            }
            return null;
        };
        Recording outerTools = new Recording();
        ScriptedChatModel outerModel = ScriptedChatModel.callsThenSummary(List.of(call("o1", "look", "{\"q\":\"a\"}"),
                call("o2", "look", "{\"q\":\"b\"}")));

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assistant(
                ParallelTools.builder().turnTimeout(Duration.ZERO).turnObserver(asking).build(), outerTools,
                outerModel).chat("go"), "no call may be left waiting");

        assertThat(innerModel.observations()).hasSize(2).allMatch(o -> o.get("ok").asBoolean());
        assertThat(outerModel.observations()).hasSize(2).allMatch(o -> o.get("ok").asBoolean());
    }

    static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    /** Notes the tenant its call sees. */
    static class TenantSeen {
        final Map<String, String> seen = new ConcurrentHashMap<>();

        @Tool
        @ParallelSafe
        public String look(String q) {
            seen.put(q, String.valueOf(TENANT.get()));
            return "seen " + q;
        }
    }

    @Test
    void should_keep_the_callers_own_context_when_it_runs_a_call_with_a_propagator_that_clears_on_restore() {
        TenantSeen tools = new TenantSeen();
        // against the contract (restore should put back what the thread had), but common: restore clears
        io.github.parallel4j.ContextPropagator clearing = () -> {
            String captured = TENANT.get();
            return () -> {
                TENANT.set(captured);
                return TENANT::remove;
            };
        };
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "look", "{\"q\":\"1\"}"),
                call("c2", "look", "{\"q\":\"2\"}")));
        TENANT.set("acme");
        try {
            assistant(ParallelTools.builder().turnTimeout(Duration.ZERO).contextPropagator(clearing).build(), tools,
                    model).chat("go");

            assertThat(tools.seen).containsEntry("1", "acme").containsEntry("2", "acme");
            assertThat(TENANT.get()).as("the caller's own tenant, after it ran c1 itself").isEqualTo("acme");
        } finally {
            TENANT.remove();
        }
    }
}
