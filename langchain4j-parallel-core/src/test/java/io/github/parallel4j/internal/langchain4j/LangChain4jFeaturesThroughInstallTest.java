package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import dev.langchain4j.agent.tool.CompensateFor;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.IllegalConfigurationException;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LangChain4j features that must work through {@code install} as they do with {@code tools(...)}: its argument
 * and execution error handlers, {@code @CompensateFor}, and {@code IMMEDIATE} tools.
 */
class LangChain4jFeaturesThroughInstallTest {

    private static final String MALFORMED = "{\"city\": \"Munich\"";

    interface Assistant {
        String chat(String message);
    }

    interface ResultAssistant {
        Result<String> chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Weather {
        final Queue<String> ran = new ConcurrentLinkedQueue<>();

        @Tool
        String weather(String city) {
            ran.add(city);
            return "sunny in " + city;
        }
    }

    private static ParallelTools handlers() {
        return ParallelTools.builder().toolErrorHandling(ToolErrorHandling.LANGCHAIN4J_HANDLERS).build();
    }

    @Test
    void should_fail_the_invocation_as_langchain4j_does_when_arguments_do_not_parse_and_its_default_handler_decides() {
        Weather tools = new Weather();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "weather", MALFORMED)));
        Assistant assistant = handlers().install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        assertThatThrownBy(() -> assistant.chat("weather?")).hasCauseInstanceOf(JsonParseException.class);
        assertThat(tools.ran).isEmpty();
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void should_give_the_arguments_handler_langchain4j_parse_error_when_tools_run_concurrently() {
        Weather tools = new Weather();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AtomicReference<ToolExecutionRequest> request = new AtomicReference<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "weather", MALFORMED), call("c2", "weather", "{\"city\": \"Rome\"}")));
        Assistant assistant = handlers().install(AiServices.builder(Assistant.class), tools)
                .chatModel(model)
                .executeToolsConcurrently()
                .toolArgumentsErrorHandler((error, context) -> {
                    seen.set(error);
                    request.set(context.toolExecutionRequest());
                    return ToolErrorHandlerResult.text("fix your JSON");
                })
                .build();

        assistant.chat("weather?");

        assertThat(seen.get()).isInstanceOf(JsonParseException.class);
        assertThat(request.get().id()).isEqualTo("c1");
        List<String> results = ScriptedChatModel.toolResults(model.lastRequest());
        assertThat(results).hasSize(2);
        assertThat(results.get(0)).isEqualTo("fix your JSON");
        assertThat(results.get(1)).contains("sunny in Rome");
        assertThat(tools.ran).containsExactly("Rome");
    }

    @Test
    void should_honour_an_arguments_handler_set_on_the_builder_when_observations_are_envelopes() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "weather", MALFORMED)));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Weather())
                .chatModel(model)
                .toolArgumentsErrorHandler((error, context) -> {
                    seen.set(error);
                    return ToolErrorHandlerResult.text("fix your JSON");
                })
                .build();

        assistant.chat("weather?");

        assertThat(seen.get()).isInstanceOf(JsonParseException.class);
        assertThat(ScriptedChatModel.toolResults(model.lastRequest())).containsExactly("fix your JSON");
    }

    @Test
    void should_honour_an_execution_handler_set_on_the_builder_when_observations_are_envelopes() {
        class Broken {
            @Tool
            String broken(String id) {
                throw new IllegalStateException("backend said no for " + id);
            }
        }
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "broken", "{\"id\": \"7\"}")));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Broken())
                .chatModel(model)
                .toolExecutionErrorHandler((error, context) -> ToolErrorHandlerResult.text("handled: " + error.getMessage()))
                .build();

        assistant.chat("go");

        assertThat(ScriptedChatModel.toolResults(model.lastRequest())).containsExactly("handled: backend said no for 7");
    }

    @Test
    void should_keep_the_envelope_for_bad_arguments_when_no_handler_is_set() {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "weather", MALFORMED)));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Weather())
                .chatModel(model)
                .build();

        assistant.chat("weather?");

        assertThat(model.observations().get(0).get("error_code").asText()).isEqualTo("INVALID_ARGUMENTS");
    }

    /** Streams tool calls one by one, then completes the response. */
    static final class StreamedCalls implements StreamingChatModel {
        private final List<AiMessage> script;
        private int next;
        volatile ChatRequest last;

        StreamedCalls(AiMessage... script) {
            this.script = List.of(script);
        }

        @Override
        public synchronized void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            last = request;
            AiMessage message = script.get(next++);
            List<ToolExecutionRequest> calls = message.hasToolExecutionRequests() ? message.toolExecutionRequests() : List.of();
            for (int i = 0; i < calls.size(); i++) {
                handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
            }
            if (!message.hasToolExecutionRequests()) {
                handler.onPartialResponse(message.text());
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(message).build());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void should_give_the_arguments_handler_langchain4j_parse_error_when_streaming(boolean concurrently)
            throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        StreamedCalls model = new StreamedCalls(AiMessage.from(call("c1", "weather", MALFORMED)), AiMessage.from("ok"));
        AiServices<StreamingAssistant> builder = handlers()
                .install(AiServices.builder(StreamingAssistant.class), new Weather())
                .streamingChatModel(model)
                .toolArgumentsErrorHandler((error, context) -> {
                    seen.set(error);
                    return ToolErrorHandlerResult.text("fix your JSON");
                });
        if (concurrently) {
            builder.executeToolsConcurrently(); // calls run as they stream in, each alone
        }
        StreamingAssistant assistant = builder.build();

        CompletableFuture<String> done = new CompletableFuture<>();
        assistant.chat("weather?").onPartialResponse(p -> {}).onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally).start();

        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(seen.get()).isInstanceOf(JsonParseException.class);
        assertThat(ScriptedChatModel.toolResults(model.last)).containsExactly("fix your JSON");
    }

    static class Bank {
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        final CountDownLatch neverReleased = new CountDownLatch(1);

        @Tool
        String credit(String account) {
            log.add("credit " + account);
            return "TX-" + account;
        }

        @CompensateFor("credit")
        void uncredit(String account) {
            log.add("uncredit " + account);
        }

        @Tool
        String fail(String why) {
            throw new IllegalStateException(why);
        }

        @Tool
        String hang(String why) throws InterruptedException {
            neverReleased.await(); // returns only when interrupted at the budget
            return why;
        }
    }

    @Test
    void should_run_compensating_actions_through_install_when_a_later_call_fails() {
        Bank bank = new Bank();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "credit", "{\"account\": \"A\"}"), call("c2", "credit", "{\"account\": \"B\"}"),
                call("c3", "fail", "{\"why\": \"no\"}")));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), bank)
                .chatModel(model)
                .compensateOnToolErrors(true)
                .build();

        assistant.chat("go");

        // Credits are writes: they ran in the model's order, and are undone in the reverse of it.
        assertThat(bank.log).containsExactly("credit A", "credit B", "uncredit B", "uncredit A");
    }

    @Test
    void should_reject_a_compensating_action_for_no_tool_as_langchain4j_does() {
        class Misconfigured {
            @Tool
            String book(String what) {
                return what;
            }

            @CompensateFor("no_such_tool")
            void unbook(String what) {}
        }
        AiServices<Assistant> builder = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Misconfigured())
                .chatModel(ScriptedChatModel.callsThenSummary(List.of()));

        assertThatThrownBy(() -> builder.compensateOnToolErrors(true))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("no_such_tool");
    }

    @Test
    void should_not_compensate_a_call_that_never_started_when_the_turn_budget_ran_out() {
        Bank bank = new Bank();
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(call("c1", "credit", "{\"account\": \"A\"}")),
                request -> AiMessage.from(call("c2", "hang", "{\"why\": \"slow\"}"), call("c3", "credit", "{\"account\": \"B\"}")),
                request -> AiMessage.from("done"));
        Assistant assistant = ParallelTools.builder().turnTimeout(Duration.ofMillis(300)).build()
                .install(AiServices.builder(Assistant.class), bank)
                .chatModel(model)
                .compensateOnToolErrors(true)
                .build();

        assertThat(assistant.chat("go")).isEqualTo("done");

        // c3 waited for the exclusive c2 and never started: the turn's failure undoes only what ran before.
        assertThat(bank.log).containsExactly("credit A", "uncredit A");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest()))
                .anySatisfy(text -> assertThat(text).contains("BUDGET_EXCEEDED"))
                .anySatisfy(text -> assertThat(text).contains("rolled back due to failure of tool 'hang'"));
    }

    static class Calculator {
        @Tool(returnBehavior = ReturnBehavior.IMMEDIATE)
        String add(int a, int b) {
            return String.valueOf(a + b);
        }
    }

    @Test
    void should_return_an_immediate_tool_own_result_to_the_application_when_observations_are_envelopes() {
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(call("c1", "add", "{\"a\": 2, \"b\": 2}")));
        ResultAssistant assistant = ParallelTools.builder().observationFormat(ObservationFormat.ENVELOPE).build()
                .install(AiServices.builder(ResultAssistant.class), new Calculator())
                .chatModel(model)
                .build();

        Result<String> result = assistant.chat("2 + 2?");

        assertThat(result.toolExecutions()).hasSize(1);
        assertThat(result.toolExecutions().get(0).result()).isEqualTo("4");
        assertThat(model.requests()).hasSize(1);
    }


    @Test
    void should_say_ok_false_for_an_unknown_tool_although_langchain4j_drops_the_strategy_is_error() throws Exception {
        ParallelTools parallel = ParallelTools.builder().build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "no_such_tool", "{}"), call("c2", "weather", "{\"city\": \"Rome\"}")));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), new Weather())
                .chatModel(model)
                .hallucinatedToolNameStrategy(parallel.unknownToolStrategy())
                .build();

        assistant.chat("go");

        var messages = ScriptedChatModel.toolResultMessages(model.lastRequest());
        assertThat(model.observations().get(0).get("error_code").asText()).isEqualTo("UNKNOWN_TOOL");
        assertThat(model.observations().get(0).get("ok").asBoolean()).isFalse();
        assertThat(parallel.unknownToolStrategy().apply(call("c1", "no_such_tool", "{}")).isError()).isTrue();
        // LangChain4j 1.19 keeps only the strategy message's text (ToolService.applyToolHallucinationStrategy):
        // when this fails, LangChain4j passes isError on, and the README's known limit can go.
        assertThat(messages.get(0).isError()).isFalse();
        assertThat(messages.get(1).isError()).isFalse();
    }
}
