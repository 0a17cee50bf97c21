package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.langchain4j.agent.tool.CompensateFor;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolService;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.annotation.FailFast;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A rollback through {@code install} undoes the calls in the reverse of the order in which they finished, which
 * latches make differ from the model's order (and from its reverse, LangChain4j's own order).
 */
class RollbackOrderTest {

    interface Assistant {
        String chat(String message);
    }

    /**
     * The system clock, made strictly increasing, that also tells when the scheduler has read a call's end: armed
     * by a tool right before it returns, the next read on its thread from the turn's clock counts a latch down.
     */
    static final class EndTicker implements Ticker {
        private final AtomicLong last = new AtomicLong();
        private final ThreadLocal<CountDownLatch> armed = new ThreadLocal<>();

        @Override
        public long read() {
            long now = last.accumulateAndGet(System.nanoTime(), (previous, t) -> Math.max(previous + 1, t));
            CountDownLatch ended = armed.get();
            if (ended != null && readByTurnClock()) {
                armed.remove();
                ended.countDown();
            }
            return now;
        }

        void countDownAtEnd(CountDownLatch ended) {
            armed.set(ended);
        }

        /** Whether a call's end time is being read: the turn's clock is on the stack, however deep. */
        private static boolean readByTurnClock() {
            return StackWalker.getInstance().walk(frames -> frames.limit(8)
                    .anyMatch(f -> f.getClassName().endsWith(".TurnRun") && f.getMethodName().equals("now")));
        }
    }

    /** Bookings on distinct accounts, which run at once; each one may wait for another's end before its own. */
    static class Bookings {
        final EndTicker ticker = new EndTicker();
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        /** Account → the thread that undid its booking (a rollback runs on the thread of its AI service call). */
        final Map<String, Thread> undoneOn = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch> ended = new ConcurrentHashMap<>();
        /** Account → the account whose booking must have ended before this one ends. */
        final Map<String, String> endsAfter;
        final Set<String> failingUndo;
        /** All bookings wait until this many have started (two invocations' batches overlap), when set. */
        final CountDownLatch started;

        Bookings(Map<String, String> endsAfter, Set<String> failingUndo, int together) {
            this.endsAfter = endsAfter;
            this.failingUndo = failingUndo;
            this.started = new CountDownLatch(together);
        }

        private CountDownLatch ended(String account) {
            return ended.computeIfAbsent(account, a -> new CountDownLatch(1));
        }

        @Tool
        @Writes(resourceKey = "account:{account}")
        String book(String account) throws InterruptedException {
            started.countDown();
            await(started, "the other bookings never started");
            String before = endsAfter.get(account);
            if (before != null) {
                await(ended(before), "booking " + before + " never ended");
            }
            log.add("book " + account);
            ticker.countDownAtEnd(ended(account));
            return "B-" + account;
        }

        @CompensateFor("book")
        void unbook(String account) {
            log.add("unbook " + account);
            undoneOn.put(account, Thread.currentThread());
            if (failingUndo.contains(account)) {
                throw new IllegalStateException("cannot unbook " + account);
            }
        }

        @Tool
        @Writes(resourceKey = "audit:{why}")
        String fail(String why) {
            throw new IllegalStateException(why);
        }

        private static void await(CountDownLatch latch, String otherwise) throws InterruptedException {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(otherwise);
            }
        }
    }

    private static Assistant assistant(Bookings bookings, ChatModel model, UnaryOperator<AiServices<Assistant>> more) {
        ParallelTools parallel = ParallelTools.builder().ticker(bookings.ticker).build();
        return more.apply(parallel.install(AiServices.builder(Assistant.class), bookings))
                .chatModel(model)
                .compensateOnToolErrors(true)
                .build();
    }

    private static final List<ToolExecutionRequest> THREE_BOOKINGS_AND_A_FAILURE = List.of(
            call("c1", "book", "{\"account\": \"A\"}"), call("c2", "book", "{\"account\": \"B\"}"),
            call("c3", "book", "{\"account\": \"C\"}"), call("c4", "fail", "{\"why\": \"no\"}"));

    /** C ends first, then A, then B: the model asked for A, B, C. */
    private static Bookings endingCThenAThenB(Set<String> failingUndo) {
        return new Bookings(Map.of("A", "C", "B", "A"), failingUndo, 1);
    }

    @Test
    void should_undo_in_the_reverse_of_the_order_the_calls_finished_in() {
        Bookings bookings = endingCThenAThenB(Set.of());
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(THREE_BOOKINGS_AND_A_FAILURE);

        assistant(bookings, model, b -> b).chat("go");

        // LangChain4j's own order would be C, B, A: the model's, reversed.
        assertThat(bookings.log).containsExactly(
                "book C", "book A", "book B", "unbook B", "unbook A", "unbook C");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest()))
                .filteredOn(text -> text.contains("rolled back due to failure of tool 'fail'")).hasSize(3);
    }

    @Test
    void should_undo_in_the_reverse_of_the_order_the_calls_finished_in_when_langchain4j_runs_them_concurrently() {
        Bookings bookings = endingCThenAThenB(Set.of());
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(THREE_BOOKINGS_AND_A_FAILURE);

        assistant(bookings, model, AiServices::executeToolsConcurrently).chat("go");

        assertThat(bookings.log).containsExactly(
                "book C", "book A", "book B", "unbook B", "unbook A", "unbook C");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest()))
                .filteredOn(text -> text.contains("rolled back due to failure of tool 'fail'")).hasSize(3);
    }

    @Test
    void should_undo_the_calls_of_earlier_round_trips_after_those_of_the_failed_one() {
        Bookings bookings = new Bookings(Map.of("B", "C"), Set.of(), 1);
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(call("c1", "book", "{\"account\": \"A\"}")),
                request -> AiMessage.from(call("c2", "book", "{\"account\": \"B\"}"),
                        call("c3", "book", "{\"account\": \"C\"}"), call("c4", "fail", "{\"why\": \"no\"}")),
                request -> AiMessage.from("done"));

        assistant(bookings, model, b -> b).chat("go");

        // LangChain4j's own order would be C, B, A.
        assertThat(bookings.log).containsExactly(
                "book A", "book C", "book B", "unbook B", "unbook C", "unbook A");
    }

    @Test
    void should_go_on_undoing_when_an_action_fails_and_leave_its_warning_to_langchain4j() {
        Bookings bookings = endingCThenAThenB(Set.of("A"));
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(THREE_BOOKINGS_AND_A_FAILURE);
        Logger toolService = (Logger) LoggerFactory.getLogger(ToolService.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        toolService.addAppender(warnings);
        try {
            assistant(bookings, model, b -> b).chat("go");
        } finally {
            toolService.detachAppender(warnings);
        }

        assertThat(bookings.log).containsExactly(
                "book C", "book A", "book B", "unbook B", "unbook A", "unbook C");
        assertThat(warnings.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("Compensating action failed for tool 'book'",
                    "cannot unbook A");
        });
        assertThat(ScriptedChatModel.toolResults(model.lastRequest()))
                .filteredOn(text -> text.contains("rolled back due to failure of tool 'fail'")).hasSize(3);
    }

    @Test
    void should_run_only_the_action_asked_for_when_anyone_but_a_rollback_of_langchain4j_calls_it() throws Exception {
        Method handOut;
        try {
            handOut = ToolService.class.getMethod("onCompensableToolExecution", BiConsumer.class);
        } catch (NoSuchMethodException e) {
            Assumptions.abort("this LangChain4j hands out no compensating actions (1.19 does, to the agentic module)");
            return;
        }
        Bookings bookings = new Bookings(Map.of(), Set.of(), 1);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "book", "{\"account\": \"A\"}"), call("c2", "book", "{\"account\": \"B\"}")));
        Map<String, Map.Entry<ToolExecution, Consumer<ToolExecution>>> handedOut = new ConcurrentHashMap<>();
        AiServices<Assistant> builder = ParallelTools.builder().ticker(bookings.ticker).build()
                .install(AiServices.builder(Assistant.class), bookings);
        handOut.invoke(AiServiceConfig.contextOf(builder).toolService,
                (BiConsumer<ToolExecution, Consumer<ToolExecution>>) (execution, action) ->
                        handedOut.put(execution.request().id(), Map.entry(execution, action)));
        builder.chatModel(model).build().chat("go");

        Map.Entry<ToolExecution, Consumer<ToolExecution>> first = handedOut.get("c1");
        first.getValue().accept(first.getKey());

        // Not a rollback of the invocation: B, which also succeeded, stays booked.
        assertThat(bookings.log).containsExactlyInAnyOrder("book A", "book B", "unbook A");
    }

    static class Reservations {
        final Queue<String> log;

        Reservations(Queue<String> log) {
            this.log = log;
        }

        @Tool
        String reserve(String room) {
            log.add("reserve " + room);
            return "R-" + room;
        }

        @CompensateFor("reserve")
        void unreserve(String room) {
            log.add("unreserve " + room);
        }
    }

    @Test
    void should_say_so_when_an_action_registered_without_install_keeps_langchain4js_order() {
        Bookings bookings = new Bookings(Map.of(), Set.of(), 1);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "book", "{\"account\": \"A\"}"), call("c2", "reserve", "{\"room\": \"R\"}"),
                call("c3", "fail", "{\"why\": \"no\"}")));
        Logger order = (Logger) LoggerFactory.getLogger(CompensationOrder.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        order.addAppender(warnings);
        try {
            assistant(bookings, model, b -> b.tools(new Reservations(bookings.log))).chat("go");
        } finally {
            order.detachAppender(warnings);
        }

        assertThat(bookings.log).containsExactlyInAnyOrder("book A", "reserve R", "unbook A", "unreserve R");
        assertThat(warnings.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains(
                    "registered on the builder without ParallelTools.install", "LangChain4j runs them in its own order");
        });
    }

    static class Shipping {
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        final CountDownLatch never = new CountDownLatch(1);

        /** Order "slow" waits until it is interrupted; any other ships at once. */
        @Tool
        @Writes(resourceKey = "order:{order}")
        String ship(String order) throws InterruptedException {
            if (order.equals("slow")) {
                never.await();
            }
            log.add("ship " + order);
            return "S-" + order;
        }

        @CompensateFor("ship")
        void unship(String order) {
            log.add("unship " + order);
        }

        /**
         * Runs after the shipment of its order has ended (same key) and fails: the turn is cancelled, and a call
         * waiting for "slow" never starts.
         */
        @Tool
        @Writes(resourceKey = "order:{order}")
        @FailFast
        String charge(String order) {
            throw new IllegalStateException("card for order " + order + " declined");
        }
    }

    @Test
    void should_not_undo_a_call_cancelled_before_it_started_nor_one_cancelled_while_running() {
        Shipping shipping = new Shipping();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "ship", "{\"order\": \"1\"}"), call("c2", "ship", "{\"order\": \"slow\"}"),
                call("c3", "ship", "{\"order\": \"slow\"}"), call("c4", "charge", "{\"order\": \"1\"}")));

        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), shipping)
                .chatModel(model).compensateOnToolErrors(true).build().chat("go");

        assertThat(shipping.log).containsExactly("ship 1", "unship 1");
        List<String> results = ScriptedChatModel.toolResults(model.lastRequest());
        // LangChain4j names the first failed call in the model's order: the cancelled "slow" shipment.
        assertThat(results.get(0)).contains("was rolled back due to failure of tool 'ship'");
        assertThat(results.get(1)).contains("CANCELLED").doesNotContain("rolled back");
        assertThat(results.get(2)).contains("CANCELLED").doesNotContain("rolled back");
    }

    @Test
    void should_keep_the_rollbacks_of_two_invocations_of_one_ai_service_apart() {
        // All four bookings run at once, two per invocation; X2 ends before X1, Y1 before Y2.
        Bookings bookings = new Bookings(Map.of("X1", "X2", "Y2", "Y1"), Set.of(), 4);
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                List<ChatMessage> messages = request.messages();
                AiMessage answer = messages.get(messages.size() - 1) instanceof UserMessage user
                        ? AiMessage.from(call(user.singleText() + "-1", "book", account(user, 1)),
                                call(user.singleText() + "-2", "book", account(user, 2)),
                                call(user.singleText() + "-3", "fail", "{\"why\": \"no\"}"))
                        : AiMessage.from("done");
                return ChatResponse.builder().aiMessage(answer).build();
            }

            private String account(UserMessage user, int n) {
                return "{\"account\": \"" + user.singleText() + n + "\"}";
            }
        };
        Assistant assistant = assistant(bookings, model, b -> b);

        ExecutorService callers = Executors.newFixedThreadPool(2); // the common pool may have one thread here
        Map<String, Thread> callerOf = new ConcurrentHashMap<>();
        try {
            CompletableFuture<String> x = CompletableFuture.supplyAsync(() -> {
                callerOf.put("X", Thread.currentThread());
                return assistant.chat("X");
            }, callers);
            CompletableFuture<String> y = CompletableFuture.supplyAsync(() -> {
                callerOf.put("Y", Thread.currentThread());
                return assistant.chat("Y");
            }, callers);
            assertThat(x.join()).isEqualTo("done");
            assertThat(y.join()).isEqualTo("done");
        } finally {
            callers.shutdownNow();
        }

        assertThat(bookings.log).filteredOn(line -> line.startsWith("unbook X"))
                .containsExactly("unbook X1", "unbook X2");
        assertThat(bookings.log).filteredOn(line -> line.startsWith("unbook Y"))
                .containsExactly("unbook Y2", "unbook Y1");
        // Each invocation's rollback undid its own calls: on the thread that called the AI service.
        assertThat(callerOf.get("X")).isNotSameAs(callerOf.get("Y"));
        assertThat(bookings.undoneOn).containsOnly(
                Map.entry("X1", callerOf.get("X")), Map.entry("X2", callerOf.get("X")),
                Map.entry("Y1", callerOf.get("Y")), Map.entry("Y2", callerOf.get("Y")));
    }
}
