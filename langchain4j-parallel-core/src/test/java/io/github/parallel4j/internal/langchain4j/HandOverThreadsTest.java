package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A streamed call handed over from the stream's thread waits on a thread of its own, not on the user's bounded tool
 * executor: the attempts it waits for always find that executor's threads.
 */
class HandOverThreadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        @Tool @ParallelSafe
        public String lookup(String x) {
            return "found " + x;
        }
    }

    @Test
    void should_run_every_handed_over_call_when_the_tool_executor_has_as_many_threads_as_calls() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            // A budget so that a starved turn ends (BUDGET_EXCEEDED) instead of hanging the test.
            ParallelTools parallel = ParallelTools.builder().executor(two).turnTimeout(Duration.ofSeconds(3)).build();
            GappedStreamingModel model = new GappedStreamingModel(List.of(
                    GappedStreamingModel.call(ScriptedChatModel.call("c1", "lookup", "{\"x\":\"1\"}")),
                    GappedStreamingModel.call(ScriptedChatModel.call("c2", "lookup", "{\"x\":\"2\"}"))));
            StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), new Tools())
                    .streamingChatModel(model).executeToolsConcurrently(Runnable::run).build();
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
            assertThat(observations).as("both calls ran on the two tool threads: %s", observations).hasSize(2)
                    .allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        } finally {
            two.shutdownNow();
        }
    }
}
