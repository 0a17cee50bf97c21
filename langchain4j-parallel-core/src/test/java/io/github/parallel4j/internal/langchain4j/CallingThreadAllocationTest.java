package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a call costs the thread that runs the AI service (it plans the batch, waits, and writes every observation)
 * must not grow with the size of its batch (the tools' threads are not measured: the canonical arguments a call may
 * make lazily, its locks and its read cache are counted only where they run on that thread): a turn of many calls may cost more in all, never more per call. A
 * ratio of two turn sizes in one JVM, in allocated bytes, which load does not change (time would). At 768 calls it
 * failed (9.5 KB per call against 6.5 KB) while the turn's call list was copied once per call and every call
 * collected all the positions before it to release.
 */
class CallingThreadAllocationTest {

    interface Assistant {
        String chat(String message);
    }

    /** Two reads that return their argument. */
    static class NoOpTools {
        @Tool @ParallelSafe String a(String x) { return x; }
        @Tool @ParallelSafe String b(String x) { return x; }
    }

    /** Asks for the same calls each turn, then answers once it has their results; keeps nothing. */
    private static ChatModel model(int calls) {
        List<ToolExecutionRequest> batch = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            batch.add(ToolExecutionRequest.builder().id("call_" + i).name(i % 2 == 0 ? "a" : "b")
                    .arguments("{\"x\":\"" + i + "\"}").build());
        }
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                boolean answered = request.messages().get(request.messages().size() - 1) instanceof AiMessage
                        || request.messages().stream().anyMatch(m -> m.type().name().equals("TOOL_EXECUTION_RESULT"));
                return ChatResponse.builder()
                        .aiMessage(answered ? AiMessage.from("done") : AiMessage.from(batch)).build();
            }
        };
    }

    private static Assistant assistant(int calls) {
        return ParallelTools.builder().maxBatchSize(1024).build()
                .install(AiServices.builder(Assistant.class), new NoOpTools())
                .chatModel(model(calls)).build();
    }

    /** The median bytes one turn allocates on the calling thread, after the JIT has settled. */
    private static long bytesPerTurn(Assistant assistant) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long[] turns = new long[15];
        for (int i = 0; i < turns.length; i++) {
            long before = threads.getThreadAllocatedBytes(thread);
            assertThat(assistant.chat("go")).isEqualTo("done");
            turns[i] = threads.getThreadAllocatedBytes(thread) - before;
        }
        Arrays.sort(turns);
        return turns[turns.length / 2];
    }

    @Test
    void should_allocate_no_more_per_call_in_a_large_batch_than_in_a_small_one() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes each thread allocates");
        Assistant one = assistant(1);
        Assistant small = assistant(16);
        Assistant large = assistant(768);
        for (int round = 0; round < 25; round++) { // warm up every path the measured turns take
            one.chat("go");
            small.chat("go");
            large.chat("go");
        }

        long b1 = bytesPerTurn(one);
        long b16 = bytesPerTurn(small);
        long b768 = bytesPerTurn(large);
        assertThat(b1).as("a turn allocates").isPositive();
        assertThat(b16).as("sixteen calls cost more than one").isGreaterThan(b1);
        // What each call adds, in the small batch and in the large one; the turn's own cost cancels out.
        double smallPerCall = (b16 - b1) / 15.0;
        double largePerCall = (b768 - b16) / 752.0;

        assertThat(largePerCall)
                .as("bytes per call: %.0f from 1 to 16 calls, %.0f from 16 to 768 (turns of %d, %d, %d bytes)",
                        smallPerCall, largePerCall, b1, b16, b768)
                // at least 1 KB per call: a call cannot cost less, and a tiny difference must not make the bound 0
                .isLessThanOrEqualTo(Math.max(smallPerCall, 1_024) * 1.25);
    }
}
