package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * How often the thread that called the AI service waits in a turn: a wait ends in a wake-up, a hand-off between
 * threads that costs on the way from the last tool's end to the next model call. Counted with the JVM's own count of
 * a thread's waits and parks ({@link java.lang.management.ThreadInfo#getWaitedCount()}), not timed.
 */
class CallerWakeUpsTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    interface Assistant {
        String chat(String message);
    }

    private static long waits(long threadId) {
        return THREADS.getThreadInfo(threadId).getWaitedCount();
    }

    /** Two calls, then "done"; notes the caller thread and its wait count at the AI message and at the next call. */
    static final class TwoCalls implements ChatModel {
        volatile long caller;
        volatile long waitsAtMessage;
        volatile long waitsAtNextCall;

        @Override
        public ChatResponse doChat(ChatRequest request) {
            List<ChatMessage> messages = request.messages();
            long id = Thread.currentThread().getId();
            if (messages.get(messages.size() - 1) instanceof UserMessage) {
                caller = id;
                waitsAtMessage = waits(id);
                return ChatResponse.builder().aiMessage(AiMessage.from(List.of(
                        ToolExecutionRequest.builder().id("call_1").name("fast").arguments("{\"q\":\"a\"}").build(),
                        ToolExecutionRequest.builder().id("call_2").name("slow").arguments("{\"q\":\"b\"}").build())))
                        .build();
            }
            waitsAtNextCall = waits(id);
            return ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
        }
    }

    /** The first call ends while the caller waits for it; the second ends once the caller could have waited again. */
    static final class Tools {
        final TwoCalls model;
        final CountDownLatch fastEnded = new CountDownLatch(1);

        Tools(TwoCalls model) {
            this.model = model;
        }

        @Tool @ParallelSafe
        public String fast(String q) {
            await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10)).until(() -> waits(model.caller) > model.waitsAtMessage);
            fastEnded.countDown();
            return "fast " + q;
        }

        @Tool @ParallelSafe
        public String slow(String q) throws InterruptedException {
            assertThat(fastEnded.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                // A second wait of the caller would come within this; none must come, so this waits it out.
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofMillis(500)).until(() -> waits(model.caller) > model.waitsAtMessage + 1);
            } catch (ConditionTimeoutException expected) {
                // the caller still waits once
            }
            return "slow " + q;
        }
    }

    @Test
    void should_wait_once_for_a_turn_whose_observations_share_its_limit_when_the_first_call_ends_first() {
        TwoCalls model = new TwoCalls();
        Tools tools = new Tools(model);
        Assistant assistant = ParallelTools.builder().build().install(AiServices.builder(Assistant.class), tools)
                .chatModel(model).build();

        assertThat(assistant.chat("go")).isEqualTo("done");

        // Waiting for call_1 and then for the turn (for its share of the limit) woke the caller twice.
        assertThat(model.waitsAtNextCall - model.waitsAtMessage).isEqualTo(1);
    }

    @Test
    void should_wait_once_for_each_call_when_raw_results_need_no_turn() {
        TwoCalls model = new TwoCalls();
        Tools tools = new Tools(model);
        Assistant assistant = ParallelTools.builder().observationFormat(io.github.parallel4j.ObservationFormat.RAW)
                .build().install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        assertThat(assistant.chat("go")).isEqualTo("done");

        // A raw result is handed back as soon as its own call ends: call_1's, then call_2's, one wait each.
        assertThat(model.waitsAtNextCall - model.waitsAtMessage).isEqualTo(2);
    }
}
