package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming model that delivers each scripted message step by step on a thread of its own, as a network client
 * does: a tool call, a gap until something has happened (a latch: a tool started, was interrupted), an error. Each
 * message ends with the complete response holding every call it delivered; the last request gets a text answer.
 */
final class GappedStreamingModel implements StreamingChatModel {

    /** One thing the stream does. */
    sealed interface Step permits Call, Gap, Error {}

    record Call(ToolExecutionRequest request) implements Step {}

    /** Waits for the latch before streaming on; {@link #gapsOpened()} says whether each one opened in time. */
    record Gap(CountDownLatch until) implements Step {}

    record Error(Throwable error) implements Step {}

    private final List<List<Step>> script;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Boolean> gaps = new CopyOnWriteArrayList<>();
    /** The requests after the first, as sent: the tool results LangChain4j sent back. */
    final List<ChatRequest> followUps = new CopyOnWriteArrayList<>();
    /** When each message's complete response was delivered, on {@link System#nanoTime()}. */
    final List<Long> completedAt = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatRequest> answered = new CompletableFuture<>();

    @SafeVarargs
    GappedStreamingModel(List<Step>... script) {
        this.script = List.of(script);
    }

    static Step call(ToolExecutionRequest request) {
        return new Call(request);
    }

    static Step gap(CountDownLatch until) {
        return new Gap(until);
    }

    /** @return whether every gap opened (its latch counted down) rather than timed out */
    List<Boolean> gapsOpened() {
        return List.copyOf(gaps);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        int n = next.getAndIncrement();
        if (n > 0) {
            followUps.add(request);
        }
        if (n >= script.size()) {
            answered.complete(request);
            handler.onPartialResponse("done");
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("done")).build());
            return;
        }
        Thread stream = new Thread(() -> deliver(script.get(n), handler), "gapped-stream-" + n);
        stream.setDaemon(true);
        stream.start();
    }

    private void deliver(List<Step> steps, StreamingChatResponseHandler handler) {
        List<ToolExecutionRequest> delivered = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Call call) {
                handler.onCompleteToolCall(new CompleteToolCall(delivered.size(), call.request()));
                delivered.add(call.request());
            } else if (step instanceof Gap gap) {
                try {
                    gaps.add(gap.until().await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    gaps.add(false);
                    return;
                }
            } else if (step instanceof Error error) {
                handler.onError(error.error());
            }
        }
        completedAt.add(System.nanoTime());
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(delivered)).build());
    }

    /** Asserts that every gap was opened by what it waited for. */
    void assertGapsOpened() {
        assertThat(gapsOpened()).as("each gap opened: what it waited for happened before the message was complete")
                .isNotEmpty().containsOnly(true);
    }
}
