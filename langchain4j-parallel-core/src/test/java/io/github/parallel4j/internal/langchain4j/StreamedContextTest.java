package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Whose context a streamed message's tools see: the stream thread's, captured once per message, whether its batch
 * opens as its calls arrive, is handed over from the stream's thread, or is planned whole after the complete
 * response; never the context of whichever LangChain4j thread brought a call first.
 */
class StreamedContextTest {

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    /** The name of the thread whose context was captured, as a tool sees it. */
    private static final ThreadLocal<String> CAPTURED_ON = new ThreadLocal<>();

    private final AtomicInteger captures = new AtomicInteger();
    private final ContextPropagator threadName = () -> {
        captures.incrementAndGet();
        String name = Thread.currentThread().getName();
        return () -> {
            String before = CAPTURED_ON.get();
            CAPTURED_ON.set(name);
            return () -> CAPTURED_ON.set(before);
        };
    };

    static class Tools {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Tool @ParallelSafe
        public String lookup(String x) {
            seen.add(String.valueOf(CAPTURED_ON.get()));
            return "found " + x;
        }
    }

    private static GappedStreamingModel twoLookups() {
        return new GappedStreamingModel(List.of(
                GappedStreamingModel.call(ScriptedChatModel.call("c1", "lookup", "{\"x\":\"1\"}")),
                GappedStreamingModel.call(ScriptedChatModel.call("c2", "lookup", "{\"x\":\"2\"}"))));
    }

    private static void run(StreamingAssistant assistant) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        assistant.chat("go").onPartialResponse(p -> {})
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("done");
    }

    private void assertStreamContextCapturedOnce(Tools tools) {
        assertThat(tools.seen).as("each tool saw the stream thread's context").hasSize(2)
                .containsOnly("gapped-stream-0");
        assertThat(captures).as("capture() ran once for the message").hasValue(1);
    }

    @Test
    void should_give_the_tools_the_stream_threads_context_when_the_batch_opens_on_langchain4j_threads()
            throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().contextPropagator(threadName).build();
        Executor own = task -> new Thread(task, "langchain4j-worker").start();
        run(parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(twoLookups()).executeToolsConcurrently(own).build());

        assertStreamContextCapturedOnce(tools);
    }

    @Test
    void should_give_the_tools_the_stream_threads_context_when_calls_are_handed_over_from_the_stream()
            throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().contextPropagator(threadName).build();
        run(parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(twoLookups()).executeToolsConcurrently(Runnable::run).build());

        assertStreamContextCapturedOnce(tools);
    }

    @Test
    void should_give_the_tools_the_stream_threads_context_when_the_message_is_planned_whole() throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().contextPropagator(threadName).build();
        CountDownLatch complete = new CountDownLatch(1);
        // Holds LangChain4j's tasks until the complete response has been heard: the message is a whole batch.
        Executor afterComplete = task -> new Thread(() -> {
            try {
                complete.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        }, "langchain4j-late").start();
        AiServices<StreamingAssistant> builder = parallel.install(AiServices.builder(StreamingAssistant.class), tools)
                .streamingChatModel(twoLookups()).executeToolsConcurrently(afterComplete);
        builder.registerListeners((AiServiceResponseReceivedListener) event -> complete.countDown());
        run(builder.build());

        assertStreamContextCapturedOnce(tools);
    }
}
