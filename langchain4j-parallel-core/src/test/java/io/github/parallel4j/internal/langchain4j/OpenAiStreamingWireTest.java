package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.support.StubStreamingOpenAiServer;
import io.github.parallel4j.support.StubStreamingOpenAiServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@code OpenAiStreamingChatModel} against a stub server that drops the connection while a streamed
 * exclusive write runs: LangChain4j reports the error, then still delivers the last tool call. That call belongs
 * to the failed invocation: it does not run, and the write is stopped.
 */
class OpenAiStreamingWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_run_no_call_delivered_after_the_connection_dropped_and_stop_the_write_in_flight() throws Exception {
        StreamingLifecycleTest.Tools tools = new StreamingLifecycleTest.Tools();
        // Filled on the stub server's thread, asserted on the test's: a failure there would never reach JUnit.
        CompletableFuture<Boolean> writeStarted = new CompletableFuture<>();
        try (StubStreamingOpenAiServer server = new StubStreamingOpenAiServer(request -> {
            boolean answered = false;
            for (JsonNode message : request.get("messages")) {
                answered |= message.path("role").asText().equals("tool");
            }
            if (answered) {
                return new Reply(List.of(StubStreamingOpenAiServer.textChunk("done", true)), null);
            }
            // The second call's first chunk completes the first call, which starts alone; then the line drops.
            return new Reply(List.of(
                    StubStreamingOpenAiServer.toolCallChunk(0, "call_1", "post", "{\"text\":\"summary\"}"),
                    StubStreamingOpenAiServer.toolCallChunk(1, "call_2", "lookup", "{\"id\":\"7\"}")),
                    () -> {
                        try {
                            writeStarted.complete(tools.writing.await(10, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            writeStarted.complete(false);
                            Thread.currentThread().interrupt();
                        }
                    });
        })) {
            OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey("test-key")
                    .modelName("gpt-4o-mini")
                    .build();
            ParallelTools parallel = ParallelTools.builder().build();
            StreamingLifecycleTest.StreamingAssistant assistant = parallel
                    .install(AiServices.builder(StreamingLifecycleTest.StreamingAssistant.class), tools)
                    .streamingChatModel(model)
                    .executeToolsConcurrently()
                    .build();
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            CompletableFuture<String> answer = new CompletableFuture<>();

            assistant.chat("post a summary").onPartialResponse(p -> {}).onError(error::complete)
                    .onCompleteResponse(r -> answer.complete(r.aiMessage().text())).start();

            Throwable dropped = error.get(10, TimeUnit.SECONDS);
            assertThat(dropped).as("the dropped connection is reported").isNotNull();
            assertThat(writeStarted.get(10, TimeUnit.SECONDS)).as("the write started before the drop").isTrue();
            assertThat(tools.interrupted.await(10, TimeUnit.SECONDS)).as("the write in flight was stopped").isTrue();
            // LangChain4j goes on after the error with the calls it has: the observations it sends show them.
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(tools.log.count("lookup")).as("the call delivered after the drop ran").isZero();
            List<JsonNode> observations = new ArrayList<>();
            for (JsonNode message : server.requests().get(1).get("messages")) {
                if (message.path("role").asText().equals("tool")) {
                    observations.add(JSON.readTree(message.get("content").asText()));
                }
            }
            assertThat(observations).extracting(o -> o.get("id").asText()).containsExactly("call_1", "call_2");
            assertThat(observations).extracting(o -> o.get("error_code").asText())
                    .containsExactly("CANCELLED", "CANCELLED");
            assertThat(observations.get(1).get("error").asText()).contains("did not run")
                    .contains("the AI service invocation failed (" + dropped.getClass().getSimpleName() + ")");
            if (dropped.getMessage() != null) {
                assertThat(observations).allSatisfy(o -> assertThat(o.get("error").asText())
                        .doesNotContain(dropped.getMessage()));
            }
            StreamingLifecycleTest.awaitNoInvocationState(parallel);
        }
    }
}
