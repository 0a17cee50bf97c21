package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolExecutor;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Nothing of an invocation is kept or waited for without a limit: not when a tool LangChain4j runs throws an
 * {@code Error}, not when LangChain4j never says it has decided on a call to a tool nobody has.
 */
class InvocationStateLimitsTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();

        @Tool
        @ParallelSafe
        String lookup(String id) {
            return log.record("lookup", id, () -> "found " + id);
        }

        @Tool
        @Writes
        String post(String text) {
            return log.record("post", text, () -> "posted");
        }
    }

    /** A model that asks for a read, a call to {@code middle}, and a write, then summarises. */
    private static ScriptedChatModel readThenWrite(String middle, String arguments) {
        return ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", middle, arguments),
                call("c3", "post", "{\"text\":\"summary\"}")));
    }

    /** The observation of the i-th call in the model's last request (external tools answer in their own text). */
    private static JsonNode observation(ScriptedChatModel model, int i) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                ScriptedChatModel.toolResults(model.lastRequest()).get(i));
    }

    private static final ToolSpecification EXTERNAL = ToolSpecification.builder().name("external")
            .description("a tool the library does not run").build();

    @Test
    void should_drop_the_state_and_end_the_turn_after_the_idle_expiry_when_an_external_tool_throws_an_error()
            throws Exception {
        AtomicLong now = new AtomicLong();
        CompletableFuture<TurnReport> report = new CompletableFuture<>();
        ParallelTools parallel = ParallelTools.builder().ticker(now::get).turnTimeout(null)
                .turnListener(report::complete).build();
        Tools tools = new Tools();
        ToolExecutor throwing = (request, memoryId) -> {
            throw new AssertionError("an Error LangChain4j does not catch");
        };
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "external", "{}"),
                call("c3", "lookup", "{\"id\":\"3\"}")));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .tools(Map.of(EXTERNAL, throwing))
                .chatModel(model)
                .build();

        assertThatThrownBy(() -> assistant.chat("go")).isInstanceOf(AssertionError.class);

        // LangChain4j says nothing more: c3 never comes, and the turn waits for it with no budget.
        assertThat(report).isNotDone();
        now.addAndGet(Duration.ofMinutes(31).toNanos());
        assertThat(parallel.invocationsInFlight()).as("invocation state after the idle expiry").isZero();
        CallReport waiting = report.get(10, TimeUnit.SECONDS).calls().get(2);
        assertThat(waiting.errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(waiting.error()).contains("no sign of life").contains("did not run");
        assertThat(tools.log.count("lookup")).isEqualTo(1);
    }

    @Test
    void should_cancel_what_waits_behind_an_unknown_tool_when_the_users_own_strategy_never_tells_the_library()
            throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(null).build();
        ScriptedChatModel model = readThenWrite("hallucinated", "{}");
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .hallucinatedToolNameStrategy(request -> ToolExecutionResultMessage.from(request, "no such tool"))
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        CompletableFuture.runAsync(() -> assistant.chat("go")).get(10, TimeUnit.SECONDS);

        assertThat(observation(model, 0).get("ok").asBoolean()).isTrue();
        JsonNode post = observation(model, 2);
        assertThat(post.get("error_code").asText()).isEqualTo("CANCELLED");
        assertThat(post.get("error").asText()).contains("unknownToolStrategy").contains("did not run");
        assertThat(tools.log.count("post")).isZero();
        StreamingLifecycleTest.awaitNoInvocationState(parallel);
    }

    @Test
    void should_report_off_the_timer_when_the_unknown_tool_grace_cancels_the_turn() throws Exception {
        Tools tools = new Tools();
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                task -> new Thread(task, "the-test-timer"));
        CompletableFuture<String> reportedOn = new CompletableFuture<>();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(null).timer(timer)
                .turnListener(report -> reportedOn.complete(Thread.currentThread().getName())).build();
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .hallucinatedToolNameStrategy(request -> ToolExecutionResultMessage.from(request, "no such tool"))
                .executeToolsConcurrently()
                .chatModel(readThenWrite("hallucinated", "{}"))
                .build();
        try {
            CompletableFuture.runAsync(() -> assistant.chat("go")).get(10, TimeUnit.SECONDS);

            // The grace's cancel runs on the timer, which every turn shares: a listener must never run there.
            assertThat(reportedOn.get(10, TimeUnit.SECONDS)).isNotEqualTo("the-test-timer");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void should_run_what_follows_a_tool_langchain4j_runs_but_did_not_offer_the_model_when_calls_run_concurrently()
            throws Exception {
        Tools tools = new Tools();
        AiServicesBehaviourTest.Other direct = new AiServicesBehaviourTest.Other(tools.log);
        ParallelTools parallel = ParallelTools.builder().turnTimeout(null).build();
        ScriptedChatModel model = readThenWrite("plainWrite", "{\"text\":\"x\"}");
        // As a tool search strategy does: LangChain4j can run plainWrite, but the model was not offered it.
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .tools(direct)
                .chatRequestTransformer(request -> request.toBuilder().toolSpecifications(
                        request.toolSpecifications().stream().filter(s -> !s.name().equals("plainWrite")).toList())
                        .build())
                .executeToolsConcurrently()
                .chatModel(model)
                .build();

        CompletableFuture.runAsync(() -> assistant.chat("go")).get(10, TimeUnit.SECONDS);

        JsonNode post = observation(model, 2);
        assertThat(post.get("ok").asBoolean()).as("%s", post).isTrue();
        // Only that it ran, not when: under executeToolsConcurrently() LangChain4j runs a directly registered tool
        // on its own executor, which the library cannot order the later calls after (see the README's table).
        assertThat(tools.log.count("post")).isEqualTo(1);
        assertThat(tools.log.count("plainWrite")).isEqualTo(1);
        StreamingLifecycleTest.awaitNoInvocationState(parallel);
    }

    @Test
    void should_wait_for_langchain4j_on_an_unknown_tool_when_its_executor_runs_the_calls_on_the_calling_thread()
            throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(null).build();
        ScriptedChatModel model = readThenWrite("hallucinated", "{}");
        // A saturated pool's CallerRunsPolicy does this: every call runs on the thread that received the message.
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                .executeToolsConcurrently(Runnable::run)
                .chatModel(model)
                .build();

        CompletableFuture<Void> chat = CompletableFuture.runAsync(() -> assistant.chat("go"));

        assertThatThrownBy(() -> chat.get(10, TimeUnit.SECONDS)).hasMessageContaining("hallucinated");
        assertThat(tools.log.count("post")).as("the write emitted after the unknown call ran").isZero();
        StreamingLifecycleTest.awaitNoInvocationState(parallel);
    }

    @Test
    void should_answer_with_an_envelope_when_writing_the_observation_fails() throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder()
                .maxObservationTokens(100, new dev.langchain4j.model.TokenCountEstimator() {
                    @Override
                    public int estimateTokenCountInText(String text) {
                        throw new IllegalStateException("estimator secret https://internal.example/key=abc");
                    }

                    @Override
                    public int estimateTokenCountInMessage(dev.langchain4j.data.message.ChatMessage message) {
                        return 0;
                    }

                    @Override
                    public int estimateTokenCountInMessages(Iterable<dev.langchain4j.data.message.ChatMessage> m) {
                        return 0;
                    }
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "lookup", "{\"id\":\"1\"}")));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        assistant.chat("go");

        ChatRequest last = model.lastRequest();
        String text = ScriptedChatModel.toolResults(last).get(0);
        assertThat(text).doesNotContain("estimator secret").doesNotContain("internal.example");
        JsonNode observation = model.observations().get(0);
        assertThat(observation.get("ok").asBoolean()).isFalse();
        assertThat(observation.get("error").asText()).contains("internal error (IllegalStateException)");
    }
}
