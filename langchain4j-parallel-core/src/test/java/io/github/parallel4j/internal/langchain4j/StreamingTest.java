package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Streaming: without {@code executeToolsConcurrently()} LangChain4j runs tools after the message is complete, so
 * the whole batch is known and planned; with it, each call runs as soon as it has streamed in, and the library still
 * keeps resource-key and exclusive-write exclusion (the rest of a streamed message's guarantees:
 * {@link StreamedMessageTest}).
 */
class StreamingTest {

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        String order(String orderId) {
            return log.record("order", orderId, () -> {
                Thread.sleep(100);
                return "{\"orderId\":\"" + orderId + "\",\"next\":\"" + orderId + "0\"}";
            });
        }

        @Tool
        @Writes(resourceKey = "order:{orderId}")
        String cancel(String orderId) {
            return log.record("cancel", orderId, () -> {
                Thread.sleep(100);
                return "cancelled";
            });
        }
    }

    /** Streams each scripted message: tool calls one by one through onCompleteToolCall, then the response. */
    static final class ScriptedStreamingModel implements StreamingChatModel {
        private final List<AiMessage> script;
        private final AtomicInteger next = new AtomicInteger();
        volatile ChatRequest last;

        ScriptedStreamingModel(AiMessage... script) {
            this.script = List.of(script);
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            last = request;
            AiMessage message = script.get(next.getAndIncrement());
            if (message.hasToolExecutionRequests()) {
                List<ToolExecutionRequest> calls = message.toolExecutionRequests();
                for (int i = 0; i < calls.size(); i++) {
                    handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
                }
            } else {
                handler.onPartialResponse(message.text());
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(message).build());
        }
    }

    private static String run(StreamingAssistant assistant) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        assistant.chat("go")
                .onPartialResponse(p -> {})
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void should_plan_the_whole_batch_when_tools_run_after_the_message() throws Exception {
        Tools tools = new Tools();
        ScriptedStreamingModel model = new ScriptedStreamingModel(
                AiMessage.from(List.of(
                        call("c1", "order", "{\"orderId\":\"1\"}"),
                        call("c2", "order", "{\"orderId\":\"$c1.next\"}"),
                        call("c3", "order", "{\"orderId\":\"2\"}"))),
                AiMessage.from("done"));
        StreamingAssistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .build();

        assertThat(run(assistant)).isEqualTo("done");

        List<String> results = ScriptedChatModel.toolResults(model.last);
        assertThat(results.get(1)).contains("\"orderId\":\"10\"");
        CallLog.Interval first = tools.log.intervals().stream().filter(i -> i.detail().equals("1")).findFirst().orElseThrow();
        CallLog.Interval third = tools.log.intervals().stream().filter(i -> i.detail().equals("2")).findFirst().orElseThrow();
        assertThat(first.overlaps(third)).isTrue();
    }

    @Test
    void should_keep_keyed_exclusion_when_calls_run_as_they_stream_in() throws Exception {
        Tools tools = new Tools();
        ScriptedStreamingModel model = new ScriptedStreamingModel(
                AiMessage.from(List.of(
                        call("c1", "order", "{\"orderId\":\"1\"}"),
                        call("c2", "cancel", "{\"orderId\":\"1\"}"),
                        call("c3", "order", "{\"orderId\":\"2\"}"),
                        call("c4", "cancel", "{\"orderId\":\"1\"}"))),
                AiMessage.from("done"));
        StreamingAssistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently()
                .build();

        assertThat(run(assistant)).isEqualTo("done");

        assertThat(tools.log.intervals()).as("each call ran exactly once").hasSize(4);
        List<CallLog.Interval> onOrder1 = tools.log.intervals().stream().filter(i -> i.detail().equals("1")).toList();
        assertThat(onOrder1).hasSize(3);
        for (CallLog.Interval a : onOrder1) {
            for (CallLog.Interval b : onOrder1) {
                if (a != b && (a.name().equals("cancel") || b.name().equals("cancel"))) {
                    assertThat(a.overlaps(b)).as("%s overlaps %s", a, b).isFalse();
                }
            }
        }
        assertThat(ScriptedChatModel.toolResults(model.last)).hasSize(4)
                .allSatisfy(r -> assertThat(r).contains("\"ok\":true"));
    }
}
