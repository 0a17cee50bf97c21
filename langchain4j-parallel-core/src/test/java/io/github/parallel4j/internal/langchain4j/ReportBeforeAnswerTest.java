package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A turn's report reaches its listeners before the AI service answers: what reads reports once {@code chat()} has
 * returned (tracing, metrics, tests) finds them, however the listener is scheduled against the answer.
 */
class ReportBeforeAnswerTest {

    interface Assistant {
        String chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        @Tool @ParallelSafe
        public String lookup(String x) {
            return "found " + x;
        }

        @Tool @ParallelSafe
        public String waitForever(String x) throws InterruptedException {
            new CountDownLatch(1).await();
            return "never";
        }
    }

    /** A listener that takes a while before it records: an exporter doing I/O. */
    private static io.github.parallel4j.ParallelToolsBuilder<ParallelTools> slowListener(List<TurnReport> reports) {
        return ParallelTools.builder().turnListener(report -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reports.add(report);
        });
    }

    private static String chat(ParallelTools parallel, ScriptedChatModel model, boolean concurrently) {
        AiServices<Assistant> builder = parallel.install(AiServices.builder(Assistant.class), new Tools())
                .chatModel(model);
        if (concurrently) {
            builder.executeToolsConcurrently();
        }
        return builder.build().chat("go");
    }

    private static ScriptedChatModel threeLookups() {
        return ScriptedChatModel.callsThenSummary(List.of(ScriptedChatModel.call("c1", "lookup", "{\"x\":\"1\"}"),
                ScriptedChatModel.call("c2", "lookup", "{\"x\":\"2\"}"),
                ScriptedChatModel.call("c3", "lookup", "{\"x\":\"3\"}")));
    }

    @Test
    void should_have_told_the_report_when_chat_returns_when_the_listener_is_slow() {
        List<TurnReport> reports = new CopyOnWriteArrayList<>();
        ParallelTools parallel = slowListener(reports).build();
        for (int i = 0; i < 40; i++) {
            chat(parallel, threeLookups(), i % 2 == 1);
            assertThat(reports).as("turn %d's report, the instant chat() returned", i).hasSize(i + 1);
            assertThat(reports.get(i).calls()).hasSize(3);
        }
    }

    @Test
    void should_have_told_the_report_when_chat_returns_when_the_budget_ended_the_turn() {
        List<TurnReport> reports = new CopyOnWriteArrayList<>();
        ParallelTools parallel = slowListener(reports).turnTimeout(Duration.ofMillis(250)).build();
        for (int i = 0; i < 10; i++) {
            ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                    ScriptedChatModel.call("c1", "lookup", "{\"x\":\"1\"}"),
                    ScriptedChatModel.call("c2", "waitForever", "{\"x\":\"2\"}")));
            chat(parallel, model, i % 2 == 1);
            assertThat(reports).as("turn %d's report, the instant chat() returned", i).hasSize(i + 1);
            assertThat(reports.get(i).calls()).extracting(c -> c.errorCode() == null ? "ok" : c.errorCode().name())
                    .containsExactly("ok", "BUDGET_EXCEEDED");
        }
    }

    @Test
    void should_have_told_the_report_when_the_token_stream_completes_when_calls_stream_in() throws Exception {
        List<TurnReport> reports = new CopyOnWriteArrayList<>();
        ParallelTools parallel = slowListener(reports).build();
        for (int i = 0; i < 20; i++) {
            GappedStreamingModel model = new GappedStreamingModel(List.of(
                    GappedStreamingModel.call(ScriptedChatModel.call("c1", "lookup", "{\"x\":\"1\"}")),
                    GappedStreamingModel.call(ScriptedChatModel.call("c2", "lookup", "{\"x\":\"2\"}"))));
            StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), new Tools())
                    .streamingChatModel(model).executeToolsConcurrently().build();
            CompletableFuture<Integer> seen = new CompletableFuture<>();
            int turn = i;
            assistant.chat("go").onPartialResponse(p -> {})
                    .onCompleteResponse(r -> seen.complete(reports.size()))
                    .onError(seen::completeExceptionally)
                    .start();
            assertThat(seen.get(30, TimeUnit.SECONDS)).as("reports told when turn %d's stream completed", turn)
                    .isEqualTo(i + 1);
            assertThat(reports.get(i).calls()).hasSize(2);
        }
    }
}
