package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream cancelled through LangChain4j's {@link StreamingHandle}: LangChain4j then fires no event, and the library
 * hears it from the handle itself. Nothing of the message still waiting starts, and no executor thread is left waiting.
 */
class StreamCancelTest {

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        final List<String> ran = new CopyOnWriteArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);

        @Tool
        @ParallelSafe
        String order(String orderId) {
            ran.add(orderId);
            firstStarted.countDown();
            return "{\"next\":\"" + orderId + "0\"}";
        }
    }

    /** Streams call_0, then (once it has started) call_1, then text; stops as soon as its handle is cancelled. */
    static final class CancellableModel implements StreamingChatModel {
        private final Tools tools;
        private final boolean cancelAfterFirstCall;
        final AtomicBoolean stopped = new AtomicBoolean();
        final CountDownLatch streamEnded = new CountDownLatch(1);

        CancellableModel(Tools tools, boolean cancelAfterFirstCall) {
            this.tools = tools;
            this.cancelAfterFirstCall = cancelAfterFirstCall;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            Thread stream = new Thread(() -> {
                try {
                    stream(handler);
                } finally {
                    streamEnded.countDown();
                }
            }, "cancellable-stream");
            stream.setDaemon(true);
            stream.start();
        }

        private void stream(StreamingChatResponseHandler handler) {
            AtomicBoolean cancelled = new AtomicBoolean();
            StreamingHandle handle = new StreamingHandle() {
                @Override
                public void cancel() {
                    cancelled.set(true);
                }

                @Override
                public boolean isCancelled() {
                    return cancelled.get();
                }
            };
            ToolExecutionRequest first = ScriptedChatModel.call("call_0", "order", "{\"orderId\":\"0\"}");
            ToolExecutionRequest second = ScriptedChatModel.call("call_1", "order",
                    "{\"orderId\":\"$call_2.next\"}");
            handler.onCompleteToolCall(new CompleteToolCall(0, first));
            try {
                tools.firstStarted.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (!cancelAfterFirstCall) {
                handler.onCompleteToolCall(new CompleteToolCall(1, second)); // waits for call_2
            }
            handler.onPartialResponse(new PartialResponse("thinking it over"), new PartialResponseContext(handle));
            if (cancelled.get()) {
                stopped.set(true); // as a provider does: no complete response, no error
                if (cancelAfterFirstCall) {
                    handler.onCompleteToolCall(new CompleteToolCall(1, second)); // already in flight
                }
                return;
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(List.of(first, second)))
                    .build());
        }
    }

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private void assertNothingWaitingStarts(boolean cancelBeforeTheWaitingCallArrives) throws Exception {
        Tools tools = new Tools();
        CountDownLatch tasksDone = new CountDownLatch(2);
        CancellableModel model = new CancellableModel(tools, cancelBeforeTheWaitingCallArrives);
        StreamingAssistant assistant = ParallelTools.builder().turnTimeout(Duration.ZERO).build()
                .install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(model)
                .executeToolsConcurrently(task -> pool.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        tasksDone.countDown();
                    }
                }))
                .build();

        assistant.chat("go").onPartialResponseWithContext((partial, context) -> context.streamingHandle().cancel())
                .onCompleteResponse(r -> {})
                .onError(e -> {})
                .start();

        assertThat(tasksDone.await(10, TimeUnit.SECONDS))
                .as("the call waiting for call_2 was cancelled, not left waiting without a budget").isTrue();
        // the batch is cancelled from inside the partial-response callback, so its tasks can end before the
        // stream thread has seen its own handle cancelled: wait for that thread, not for the tasks alone
        assertThat(model.streamEnded.await(10, TimeUnit.SECONDS)).as("the stream thread ended").isTrue();
        assertThat(model.stopped).as("the model's own handle was cancelled too").isTrue();
        assertThat(tools.ran).as("nothing of the cancelled stream that still waited started").containsExactly("0");
    }

    @Test
    void should_cancel_the_open_batch_when_the_stream_is_cancelled_through_its_handle() throws Exception {
        assertNothingWaitingStarts(false);
    }

    @Test
    void should_refuse_a_call_that_reaches_the_library_after_its_stream_was_cancelled() throws Exception {
        assertNothingWaitingStarts(true);
    }
}
