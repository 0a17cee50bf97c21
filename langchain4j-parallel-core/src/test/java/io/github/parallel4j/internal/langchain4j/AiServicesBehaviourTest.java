package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class AiServicesBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();
        final Map<String, String> mdc = new ConcurrentHashMap<>();

        @Tool
        @ParallelSafe
        String lookup(String id) {
            mdc.put(id, String.valueOf(MDC.get("request")));
            return log.record("lookup", id, () -> {
                Thread.sleep(30);
                return "found " + id;
            });
        }

        @Tool
        @ParallelSafe
        String broken(String id) {
            throw new IllegalStateException("backend said no for " + id);
        }

        final CountDownLatch posting = new CountDownLatch(1);

        @Tool
        @Writes
        String post(String text) {
            posting.countDown();
            return log.record("post", text, () -> "posted");
        }

        @Tool
        @ParallelSafe
        String waitForever(String id) throws InterruptedException {
            new CountDownLatch(1).await();
            return "never";
        }
    }

    static class Other {
        final CallLog log;

        Other(CallLog log) {
            this.log = log;
        }

        @Tool
        String plainWrite(String text) {
            return log.record("plainWrite", text, () -> "done");
        }
    }


    @Test
    void should_turn_a_tool_exception_into_a_tool_error_observation_without_a_stack_trace() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                List.of(call("c1", "broken", "{\"id\":\"1\"}"), call("c2", "lookup", "{\"id\":\"2\"}")));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build();

        assistant.chat("go");

        List<ToolExecutionResultMessage> messages = ScriptedChatModel.toolResultMessages(model.lastRequest());
        assertThat(messages.get(0).isError()).isTrue();
        assertThat(messages.get(1).isError()).isFalse();
        JsonNode error = model.observations().get(0);
        assertThat(error.get("error_code").asText()).isEqualTo("TOOL_ERROR");
        assertThat(error.get("error").asText()).isEqualTo("backend said no for 1");
        assertThat(messages.get(0).text()).doesNotContain("at io.github").doesNotContain("Exception");
    }

    @Test
    void should_hand_tool_exceptions_to_langchain4j_error_handlers_when_configured() throws Exception {
        AtomicReference<Throwable> handled = new AtomicReference<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                List.of(call("c1", "broken", "{\"id\":\"1\"}"), call("c2", "lookup", "{\"id\":\"2\"}")));
        Assistant assistant = ParallelTools.builder().toolErrorHandling(ToolErrorHandling.LANGCHAIN4J_HANDLERS).build()
                .install(AiServices.builder(Assistant.class), new Tools())
                .toolExecutionErrorHandler((error, context) -> {
                    handled.set(error);
                    return ToolErrorHandlerResult.text("handled: " + error.getMessage());
                })
                .chatModel(model)
                .build();

        assistant.chat("go");

        assertThat(handled.get()).isInstanceOf(IllegalStateException.class).hasMessage("backend said no for 1");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest()).get(0)).isEqualTo("handled: backend said no for 1");
        String second = ScriptedChatModel.toolResults(model.lastRequest()).get(1);
        assertThat(JSON.readTree(second).get("ok").asBoolean()).isTrue();
    }

    @Test
    void should_not_run_a_write_emitted_after_a_tool_langchain4j_refuses() {
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "hallucinated", "{}"),
                call("c3", "post", "{\"text\":\"summary\"}")));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        assertThatThrownBy(() -> assistant.chat("go")).hasMessageContaining("hallucinated");
        assertThat(tools.log.count("post")).isZero();
        assertThat(tools.log.count("lookup")).isEqualTo(1);
    }

    @Test
    void should_run_the_rest_of_the_batch_after_an_unknown_tool_with_the_library_strategy() throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "hallucinated", "{}"),
                call("c3", "post", "{\"text\":\"summary\"}")));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .hallucinatedToolNameStrategy(parallel.unknownToolStrategy())
                .chatModel(model)
                .build();

        assistant.chat("go");

        List<JsonNode> observations = model.observations();
        assertThat(observations.get(1).get("error_code").asText()).isEqualTo("UNKNOWN_TOOL");
        assertThat(observations.get(2).get("ok").asBoolean()).isTrue();
        assertThat(tools.log.only("post").start()).isGreaterThanOrEqualTo(tools.log.only("lookup").end());
    }

    @Test
    void should_start_nothing_after_an_unknown_tool_before_langchain4j_fails_the_invocation_when_calls_run_concurrently()
            throws Exception {
        Tools tools = new Tools();
        java.util.concurrent.CompletableFuture<io.github.parallel4j.TurnReport> report =
                new java.util.concurrent.CompletableFuture<>();
        ParallelTools parallel = ParallelTools.builder().turnListener(report::complete).build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "hallucinated", "{}"),
                call("c3", "post", "{\"text\":\"summary\"}")));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        assertThatThrownBy(() -> assistant.chat("go")).hasMessageContaining("hallucinated");

        // The turn is over once the failure was reported: a write released before LangChain4j decided would have
        // started (or run) by now; it was cancelled before it could start.
        CallReport write = report.get(10, TimeUnit.SECONDS).calls().get(2);
        assertThat(write.errorCode()).isEqualTo(io.github.parallel4j.ErrorCode.CANCELLED);
        assertThat(write.startNanos()).as("the write emitted after the unknown call started").isEqualTo(-1);
        assertThat(tools.log.count("post")).as("the write emitted after the unknown call ran").isZero();
        assertThat(tools.log.count("lookup")).isEqualTo(1);
        StreamingLifecycleTest.awaitNoInvocationState(parallel);
    }

    @Test
    void should_run_the_rest_after_an_unknown_tool_once_the_library_strategy_answered_when_calls_run_concurrently()
            throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "hallucinated", "{}"),
                call("c3", "post", "{\"text\":\"summary\"}")));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .hallucinatedToolNameStrategy(parallel.unknownToolStrategy())
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        assistant.chat("go");

        List<JsonNode> observations = model.observations();
        assertThat(observations.get(1).get("error_code").asText()).isEqualTo("UNKNOWN_TOOL");
        assertThat(observations.get(2).get("ok").asBoolean()).as("%s", observations.get(2)).isTrue();
        assertThat(tools.log.only("post").start()).isGreaterThanOrEqualTo(tools.log.only("lookup").end());
    }

    @Test
    void should_treat_tools_registered_directly_as_exclusive_barriers() {
        Tools tools = new Tools();
        Other other = new Other(tools.log);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "plainWrite", "{\"text\":\"x\"}"),
                call("c3", "lookup", "{\"id\":\"3\"}")));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools)
                .tools(other)
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        assistant.chat("go");

        CallLog.Interval first = tools.log.intervals().stream().filter(i -> i.detail().equals("1")).findFirst().orElseThrow();
        CallLog.Interval third = tools.log.intervals().stream().filter(i -> i.detail().equals("3")).findFirst().orElseThrow();
        assertThat(third.start()).as("nothing after the barrier starts before what came before it ends")
                .isGreaterThanOrEqualTo(first.end());
        assertThat(tools.log.count("plainWrite")).isEqualTo(1);
    }

    @Test
    void should_wrap_provider_tools_under_policies_given_by_name() throws Exception {
        CallLog log = new CallLog();
        ToolExecutor slowRead = (request, memoryId) -> log.record("search", request.arguments(), () -> {
            Thread.sleep(100);
            return "hits";
        });
        ToolProvider provider = request -> ToolProviderResult.builder()
                .add(ToolSpecification.builder().name("search").description("search").build(), slowRead)
                .build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                List.of(call("c1", "search", "{\"q\":\"a\"}"), call("c2", "search", "{\"q\":\"b\"}")));
        Assistant assistant = ParallelTools.builder().toolPolicy("search", ToolPolicy.read()).build()
                .install(AiServices.builder(Assistant.class), provider).chatModel(model).build();

        assistant.chat("go");

        List<CallLog.Interval> intervals = log.intervals();
        assertThat(intervals).hasSize(2);
        assertThat(intervals.get(0).overlaps(intervals.get(1))).isTrue();
        assertThat(model.observations()).allSatisfy(o -> assertThat(o.get("result").asText()).isEqualTo("hits"));
    }

    @Test
    void should_carry_the_callers_mdc_into_tools() {
        Tools tools = new Tools();
        chatWithMdc(tools, "r-42", false);

        assertThat(tools.mdc).containsEntry("1", "r-42").containsEntry("2", "r-42");
    }

    @Test
    void should_carry_the_callers_mdc_into_tools_when_langchain4j_starts_the_calls_on_its_own_threads() {
        Tools tools = new Tools();
        chatWithMdc(tools, "r-43", true);

        assertThat(tools.mdc).containsEntry("1", "r-43").containsEntry("2", "r-43");
    }

    /** One turn of two lookups, called with {@code request} in the MDC. */
    private static void chatWithMdc(Tools tools, String request, boolean executeToolsConcurrently) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                List.of(call("c1", "lookup", "{\"id\":\"1\"}"), call("c2", "lookup", "{\"id\":\"2\"}")));
        AiServices<Assistant> builder = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model);
        if (executeToolsConcurrently) {
            builder.executeToolsConcurrently();
        }
        Assistant assistant = builder.build();
        MDC.put("request", request);
        try {
            assistant.chat("go");
        } finally {
            MDC.remove("request");
        }
    }

    @Test
    void should_answer_every_call_of_an_oversized_batch_and_run_none() throws Exception {
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"), call("c2", "lookup", "{\"id\":\"2\"}"),
                call("c3", "lookup", "{\"id\":\"3\"}")));
        Assistant assistant = ParallelTools.builder().maxBatchSize(2).build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        assistant.chat("go");

        assertThat(model.observations()).hasSize(3)
                .allSatisfy(o -> assertThat(o.get("error_code").asText()).isEqualTo("BATCH_TOO_LARGE"));
        assertThat(tools.log.intervals()).isEmpty();
    }

    @Test
    void should_cut_an_oversized_result_and_say_so() throws Exception {
        class Big {
            @Tool
            @ParallelSafe
            String dump() {
                return "x".repeat(5_000);
            }
        }
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "dump", "{}")));
        Assistant assistant = ParallelTools.builder().maxObservationChars(1_000).build()
                .install(AiServices.builder(Assistant.class), new Big()).chatModel(model).build();

        assistant.chat("go");

        String text = ScriptedChatModel.toolResults(model.lastRequest()).get(0);
        JsonNode observation = JSON.readTree(text);
        assertThat(text.length()).isLessThanOrEqualTo(1_000);
        assertThat(observation.get("truncated").asBoolean()).isTrue();
        assertThat(observation.get("original_size").asInt()).isEqualTo(5_000);
        assertThat(observation.get("result").asText()).startsWith("xxx");
    }

    @Test
    void should_cancel_the_turn_when_the_caller_is_interrupted() throws Exception {
        Tools tools = new Tools();
        CountDownLatch modelAsked = new CountDownLatch(1);
        ScriptedChatModel model = new ScriptedChatModel(
                request -> {
                    modelAsked.countDown();
                    return AiMessage.from(List.of(call("c1", "waitForever", "{\"id\":\"1\"}")));
                },
                request -> AiMessage.from("done"));
        Assistant assistant = ParallelTools.builder().turnTimeout(Duration.ofMinutes(5)).build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(assistant.chat("go"));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });

        caller.start();
        assertThat(modelAsked.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        if (model.requests().size() == 2) {
            assertThat(ScriptedChatModel.toolResults(model.lastRequest()).get(0)).contains("CANCELLED");
        } else {
            assertThat(result.get()).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void should_refuse_a_resource_key_that_names_no_parameter_at_install() {
        class BadKey {
            @Tool
            @Writes(resourceKey = "order:{orderId}")
            String cancel(String id) {
                return "no";
            }
        }
        assertThatThrownBy(() -> ParallelTools.builder().build().install(AiServices.builder(Assistant.class), new BadKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tool 'cancel'")
                .hasMessageContaining("names argument 'orderId'")
                .hasMessageContaining("[id]");
    }

    @Test
    void should_run_the_same_way_when_langchain4j_executes_tools_concurrently() throws Exception {
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"), call("c2", "post", "{\"text\":\"t\"}"),
                call("c3", "lookup", "{\"id\":\"3\"}")));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools)
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        assistant.chat("go");

        CallLog.Interval post = tools.log.only("post");
        for (CallLog.Interval i : tools.log.intervals()) {
            if (i != post) {
                assertThat(i.overlaps(post)).isFalse();
            }
        }
        assertThat(model.observations()).extracting(o -> o.get("id").asText()).containsExactly("c1", "c2", "c3");
    }
}
