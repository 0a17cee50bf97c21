package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With the default settings, a few hundred concurrent invocations of slow reads take about as long as one: the
 * default threads grow with demand on the JDK this runs on (an elastic pool on Java 17, virtual threads on 21+),
 * so a bounded default cannot come back unnoticed.
 */
class DefaultsUnderLoadTest {

    private static final int INVOCATIONS = 250;
    private static final int READS = 4;
    private static final long READ_MILLIS = 1000;

    interface Assistant {
        String chat(String message);
    }

    static class Reads {
        @Tool @ParallelSafe
        public String lookup(String what) throws InterruptedException {
            Thread.sleep(READ_MILLIS); // simulated upstream latency
            return "{\"what\":\"" + what + "\"}";
        }
    }

    /** Answers a user message with four reads and the tool results with a summary; safe for concurrent use. */
    static final class FourReads implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            List<ChatMessage> messages = request.messages();
            if (messages.get(messages.size() - 1) instanceof UserMessage) {
                List<ToolExecutionRequest> calls = new ArrayList<>();
                for (int i = 1; i <= READS; i++) {
                    calls.add(ToolExecutionRequest.builder().id("call_" + i).name("lookup")
                            .arguments("{\"what\":\"r" + i + "\"}").build());
                }
                return ChatResponse.builder().aiMessage(AiMessage.from(calls)).build();
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
        }
    }

    @Test
    void should_answer_hundreds_of_concurrent_invocations_in_a_small_multiple_of_one_with_defaults() throws Exception {
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Reads()).chatModel(new FourReads()).build();
        assistant.chat("warm up");
        long one = timed(() -> assistant.chat("one"));

        ExecutorService callers = Executors.newFixedThreadPool(INVOCATIONS);
        try {
            List<CompletableFuture<String>> all = new ArrayList<>();
            long start = System.nanoTime();
            for (int k = 0; k < INVOCATIONS; k++) {
                all.add(CompletableFuture.supplyAsync(() -> assistant.chat("many"), callers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            long many = System.nanoTime() - start;

            // The old default, a fixed pool of 64 threads, needed 250 x 4 / 64 rounds of 1 s: about 16x one invocation.
            assertThat((double) many / one)
                    .as("%d invocations took %d ms, one took %d ms", INVOCATIONS, many / 1_000_000, one / 1_000_000)
                    .isLessThan(5.0);
        } finally {
            callers.shutdownNow();
        }
    }

    private static long timed(Runnable task) {
        long start = System.nanoTime();
        task.run();
        return System.nanoTime() - start;
    }
}
