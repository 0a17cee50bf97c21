package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Streaming with {@code executeToolsConcurrently()} when the model fails mid-message: calls that started early belong
 * to their invocation, are cancelled with it, and a call delivered after the failure does not run.
 */
class StreamingLifecycleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);

        @Tool
        @Writes
        String post(String text) {
            return log.record("post", text, () -> {
                writing.countDown();
                try {
                    new CountDownLatch(1).await(10, TimeUnit.SECONDS); // the write runs until it is stopped
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return "posted";
            });
        }

        @Tool
        @ParallelSafe
        String lookup(String id) {
            return log.record("lookup", id, () -> "found " + id);
        }
    }

    /**
     * Streams one call, fails as a dropped connection does while that call runs, and then, as
     * {@code OpenAiStreamingChatModel} does, still delivers the last call and the (partial) response. Answers the
     * request after that with text.
     */
    static final class DroppingModel implements StreamingChatModel {
        private final CountDownLatch writing;
        private final AtomicInteger step = new AtomicInteger();
        final CompletableFuture<ChatRequest> afterDrop = new CompletableFuture<>();

        DroppingModel(CountDownLatch writing) {
            this.writing = writing;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            if (step.getAndIncrement() > 0) {
                afterDrop.complete(request);
                handler.onPartialResponse("done");
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("done")).build());
                return;
            }
            ToolExecutionRequest post = call("c1", "post", "{\"text\":\"summary\"}");
            ToolExecutionRequest lookup = call("c2", "lookup", "{\"id\":\"7\"}");
            handler.onCompleteToolCall(new CompleteToolCall(0, post));
            try {
                assertThat(writing.await(10, TimeUnit.SECONDS)).as("the write started").isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            handler.onError(new IllegalStateException("connection reset"));
            handler.onCompleteToolCall(new CompleteToolCall(1, lookup));
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(List.of(post, lookup))).build());
        }
    }

    @Test
    void should_cancel_the_calls_of_a_failed_streaming_invocation_and_run_none_that_arrives_after() throws Exception {
        Tools tools = new Tools();
        DroppingModel model = new DroppingModel(tools.writing);
        ParallelTools parallel = ParallelTools.builder().build();
        StreamingAssistant assistant = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently()
                .build();
        CompletableFuture<Throwable> error = new CompletableFuture<>();

        assistant.chat("go").onPartialResponse(p -> {}).onError(error::complete).start();

        assertThat(error.get(10, TimeUnit.SECONDS)).hasMessageContaining("connection reset");
        assertThat(tools.interrupted.await(10, TimeUnit.SECONDS)).as("the running write was interrupted").isTrue();
        List<JsonNode> observations = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.afterDrop.get(10, TimeUnit.SECONDS))) {
            observations.add(JSON.readTree(text));
        }
        assertThat(tools.log.count("lookup")).as("the call delivered after the failure ran").isZero();
        assertThat(observations).extracting(o -> o.get("error_code").asText()).containsExactly("CANCELLED", "CANCELLED");
        // The model reads these: they name the failure's kind, never the transport's own text.
        assertThat(observations.get(0).get("error").asText())
                .contains("the AI service invocation failed (IllegalStateException)").contains("running")
                .doesNotContain("connection reset");
        assertThat(observations.get(1).get("error").asText())
                .contains("the AI service invocation failed (IllegalStateException)").contains("did not run")
                .doesNotContain("connection reset");
        awaitNoInvocationState(parallel);
    }

    static void awaitNoInvocationState(ParallelTools parallel) {
        // The interrupted tool's thread leaves the invocation's lock just after its outcome was given.
        Awaitility.await("no invocation state left behind").atMost(Duration.ofSeconds(10))
                .until(() -> parallel.invocationsInFlight() == 0);
    }
}
