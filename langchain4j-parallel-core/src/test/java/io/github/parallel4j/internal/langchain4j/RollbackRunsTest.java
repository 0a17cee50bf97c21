package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.langchain4j.agent.tool.CompensateFor;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.guardrail.config.OutputGuardrailsConfig;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.agent.tool.ReturnBehavior;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.internal.langchain4j.RollbackOrderTest.Assistant;
import io.github.parallel4j.internal.langchain4j.RollbackOrderTest.Bookings;
import io.github.parallel4j.internal.langchain4j.RollbackOrderTest.Reservations;
import io.github.parallel4j.internal.langchain4j.StreamingTest.ScriptedStreamingModel;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A rollback undoes exactly what LangChain4j would undo: the calls of the current run of its tool loop (an output
 * guardrail's reprompt starts another run with the same invocation), streamed or not; and each reason LangChain4j's
 * order comes back is warned about.
 */
class RollbackRunsTest {

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    /** Asks once for another answer when the model's answer is "first". */
    static final class RepromptOnce implements OutputGuardrail {
        @Override
        public OutputGuardrailResult validate(AiMessage responseFromLLM) {
            return "first".equals(responseFromLLM.text()) ? reprompt("not yet", "try again") : success();
        }
    }

    /** Round trip 1 books A, the model answers; the reprompt's run books B and fails. */
    private static final AiMessage[] BOOK_A_ANSWER_THEN_BOOK_B_AND_FAIL = {
            AiMessage.from(call("c1", "book", "{\"account\": \"A\"}")),
            AiMessage.from("first"),
            AiMessage.from(call("c2", "book", "{\"account\": \"B\"}"), call("c3", "fail", "{\"why\": \"no\"}")),
            AiMessage.from("done")};

    @Test
    void should_undo_only_the_calls_of_the_reprompts_run_of_the_tool_loop() {
        Bookings bookings = new Bookings(Map.of(), Set.of(), 1);
        AiMessage[] script = BOOK_A_ANSWER_THEN_BOOK_B_AND_FAIL;
        ScriptedChatModel model = new ScriptedChatModel(r -> script[0], r -> script[1], r -> script[2], r -> script[3]);

        String answer = ParallelTools.builder().ticker(bookings.ticker).build()
                .install(AiServices.builder(Assistant.class), bookings)
                .chatModel(model)
                .outputGuardrails(new RepromptOnce())
                .compensateOnToolErrors(true)
                .build()
                .chat("go");

        assertThat(answer).isEqualTo("done");
        // LangChain4j undoes B only: A's run had ended, and the application was told A went through.
        assertThat(bookings.log).containsExactly("book A", "book B", "unbook B");
    }

    @Test
    void should_undo_only_the_calls_of_a_streaming_reprompts_run() throws Exception {
        assertStreamingRepromptUndoesOnlyB(b -> b);
    }

    @Test
    void should_undo_only_the_calls_of_a_streaming_reprompts_run_when_calls_run_as_they_stream_in() throws Exception {
        assertStreamingRepromptUndoesOnlyB(AiServices::executeToolsConcurrently);
    }

    private static void assertStreamingRepromptUndoesOnlyB(UnaryOperator<AiServices<StreamingAssistant>> more)
            throws Exception {
        Bookings bookings = new Bookings(Map.of(), Set.of(), 1);
        ScriptedStreamingModel model = new ScriptedStreamingModel(BOOK_A_ANSWER_THEN_BOOK_B_AND_FAIL);
        // No turn budget: a call that waited for a batch nobody closes would wait for ever, not for the budget.
        StreamingAssistant assistant = more.apply(ParallelTools.builder().ticker(bookings.ticker)
                        .turnTimeout(Duration.ZERO).build()
                        .install(AiServices.builder(StreamingAssistant.class), bookings))
                .streamingChatModel(model)
                .outputGuardrails(new RepromptOnce())
                .compensateOnToolErrors(true)
                .build();

        CompletableFuture<String> done = new CompletableFuture<>();
        assistant.chat("go")
                .onPartialResponse(p -> {})
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();

        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        // The main streamed loop never compensates; the reprompt's loop does, and only its own call.
        assertThat(bookings.log).containsExactly("book A", "book B", "unbook B");
        assertThat(ScriptedChatModel.toolResults(model.last))
                .anySatisfy(text -> assertThat(text).contains("rolled back due to failure of tool 'fail'"));
    }

    /** Asks for another answer until the model answers "done". */
    static final class RepromptUntilDone implements OutputGuardrail {
        @Override
        public OutputGuardrailResult validate(AiMessage responseFromLLM) {
            return "done".equals(responseFromLLM.text()) ? success() : reprompt("not yet", "try again");
        }
    }

    /** Books, and holds a seat at once: a message of holds only returns straight to the caller. */
    static class BookingsAndHolds extends Bookings {
        BookingsAndHolds() {
            super(Map.of(), Set.of(), 1);
        }

        @Tool(returnBehavior = ReturnBehavior.IMMEDIATE)
        String hold(String seat) {
            log.add("hold " + seat);
            return "H-" + seat;
        }

        @CompensateFor("hold")
        void release(String seat) {
            log.add("release " + seat);
        }
    }

    @Test
    void should_not_undo_the_calls_of_a_reprompts_run_that_returned_at_once() {
        BookingsAndHolds bookings = new BookingsAndHolds();
        // Main run: an answer. Reprompt 1: a hold, which returns at once (no answer ends that run). Reprompt 2:
        // B is booked and a call fails.
        List<AiMessage> script = List.of(AiMessage.from("first"),
                AiMessage.from(call("c1", "hold", "{\"seat\": \"S\"}")),
                AiMessage.from(call("c2", "book", "{\"account\": \"B\"}"), call("c3", "fail", "{\"why\": \"no\"}")),
                AiMessage.from("done"));
        ScriptedChatModel model = new ScriptedChatModel(
                r -> script.get(0), r -> script.get(1), r -> script.get(2), r -> script.get(3));

        String answer = ParallelTools.builder().ticker(bookings.ticker).build()
                .install(AiServices.builder(Assistant.class), bookings)
                .chatModel(model)
                .outputGuardrails(new RepromptUntilDone())
                .outputGuardrailsConfig(OutputGuardrailsConfig.builder().maxRetries(3).build())
                .compensateOnToolErrors(true)
                .build()
                .chat("go");

        assertThat(answer).isEqualTo("done");
        assertThat(bookings.log).containsExactly("hold S", "book B", "unbook B");
    }

    static class Holds {
        final Queue<String> log;

        Holds(Queue<String> log) {
            this.log = log;
        }

        @Tool
        String hold(String seat) {
            log.add("hold " + seat);
            return "H-" + seat;
        }

        @CompensateFor("hold")
        void release(String seat) {
            log.add("release " + seat);
        }
    }

    private static List<ILoggingEvent> warningsOf(Runnable run) {
        Logger order = (Logger) LoggerFactory.getLogger(CompensationOrder.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        order.addAppender(warnings);
        try {
            run.run();
        } finally {
            order.detachAppender(warnings);
        }
        return warnings.list;
    }

    @Test
    void should_warn_once_for_each_reason_langchain4js_order_comes_back() {
        Bookings bookings = new Bookings(Map.of(), Set.of(), 1);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "book", "{\"account\": \"A\"}"), call("c2", "reserve", "{\"room\": \"R\"}"),
                call("c3", "hold", "{\"seat\": \"S\"}"), call("c4", "fail", "{\"why\": \"no\"}")));
        // Registered before install, its action is wrapped, but its calls do not run through the library;
        // registered after install, Holds' action is never wrapped.
        AiServices<Assistant> builder = AiServices.builder(Assistant.class).tools(new Reservations(bookings.log));
        Supplier<Assistant> assistant = () -> ParallelTools.builder().ticker(bookings.ticker).build()
                .install(builder, bookings).tools(new Holds(bookings.log))
                .chatModel(model).compensateOnToolErrors(true).build();

        List<ILoggingEvent> warnings = warningsOf(() -> assistant.get().chat("go"));

        assertThat(bookings.log).containsExactlyInAnyOrder(
                "book A", "reserve R", "hold S", "unbook A", "unreserve R", "release S");
        assertThat(warnings).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactlyInAnyOrder(
                m -> assertThat(m).contains("registered on the builder without ParallelTools.install"),
                m -> assertThat(m).contains("A rolled-back call of tool 'reserve' did not run through"));
    }

    static class Flights {
        final Queue<String> log;

        Flights(Queue<String> log) {
            this.log = log;
        }

        @Tool
        String fly(String to) {
            log.add("fly " + to);
            return "F-" + to;
        }

        @Tool
        String fail(String why) {
            throw new IllegalStateException(why);
        }
    }

    static class FlightUndo {
        final Queue<String> log;

        FlightUndo(Queue<String> log) {
            this.log = log;
        }

        @Tool
        String flights() {
            return "none";
        }

        @CompensateFor("fly")
        void unfly(String to) {
            log.add("unfly " + to);
        }
    }

    @Test
    void should_warn_when_an_installed_tools_action_is_registered_after_install() {
        Bookings bookings = new Bookings(Map.of(), Set.of(), 1);
        Flights flights = new Flights(bookings.log);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "fly", "{\"to\": \"X\"}"), call("c2", "fly", "{\"to\": \"Y\"}"),
                call("c3", "fail", "{\"why\": \"no\"}")));

        List<ILoggingEvent> warnings = warningsOf(() -> ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), flights)
                .tools(new FlightUndo(bookings.log))
                .chatModel(model).compensateOnToolErrors(true).build()
                .chat("go"));

        assertThat(bookings.log).containsExactlyInAnyOrder("fly X", "fly Y", "unfly X", "unfly Y");
        assertThat(warnings).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .contains("registered on the builder without ParallelTools.install (or after it)"));
    }
}
