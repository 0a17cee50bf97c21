package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private static String resultOf(String text) {
        try {
            JsonNode envelope = new ObjectMapper().readTree(text);
            return envelope.isObject() && envelope.has("result") ? envelope.get("result").asText() : text;
        } catch (Exception notJson) {
            return text;
        }
    }

    private static long waits(long threadId) {
        return THREADS.getThreadInfo(threadId).getWaitedCount();
    }

    /** Two calls, then "done"; notes the caller thread and its wait count at the AI message and at the next call. */
    static final class TwoCalls implements ChatModel {
        volatile long caller;
        volatile long waitsAtMessage;
        volatile long waitsAtNextCall;
        /** What the model was told of each call, in order: the result inside an envelope, or the raw text. */
        volatile List<String> results = List.of();

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
            results = messages.stream().filter(m -> m instanceof ToolExecutionResultMessage)
                    .map(m -> ((ToolExecutionResultMessage) m).text()).map(CallerWakeUpsTest::resultOf).toList();
            return ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
        }
    }

    /**
     * The first call ends while the caller waits for it; the second ends once the caller could have waited again. A
     * tool's own failure would only become an observation, so each notes what went wrong for the test to assert.
     */
    static final class Tools {
        final TwoCalls model;
        final CountDownLatch fastEnded = new CountDownLatch(1);
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        Tools(TwoCalls model) {
            this.model = model;
        }

        @Tool @ParallelSafe
        public String fast(String q) {
            try {
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> waits(model.caller) > model.waitsAtMessage);
            } catch (ConditionTimeoutException e) {
                failures.add(e); // the caller never waited for the turn
            }
            fastEnded.countDown();
            return "fast " + q;
        }

        @Tool @ParallelSafe
        public String slow(String q) throws InterruptedException {
            if (!fastEnded.await(10, TimeUnit.SECONDS)) {
                failures.add(new AssertionError("fast never ended"));
            }
            try {
                // What is asserted is that no second wait comes: some window is needed to see none come. A second
                // wait comes within microseconds of call_1's end (the caller wakes, and waits for the turn), so 500
                // ms is ample even on a loaded machine; it ends early when the second wait does come.
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofMillis(500))
                        .until(() -> waits(model.caller) > model.waitsAtMessage + 1);
            } catch (ConditionTimeoutException expected) {
                // the caller still waits once
            }
            return "slow " + q;
        }
    }

    /** A tool that fails, and a slow sibling that ends once LangChain4j's handler has seen the failure, or after 5 s. */
    static final class FailingTools {
        final CountDownLatch handled = new CountDownLatch(1);
        volatile boolean handledWhileSiblingRan;

        @Tool @ParallelSafe
        public String fast(String q) {
            throw new IllegalStateException("fast failed on " + q);
        }

        @Tool @ParallelSafe
        public String slow(String q) throws InterruptedException {
            handledWhileSiblingRan = handled.await(5, TimeUnit.SECONDS);
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

        assertThat(tools.failures).isEmpty();
        // Waiting for call_1 and then for the turn (for its share of the limit) woke the caller twice.
        assertThat(model.waitsAtNextCall - model.waitsAtMessage).isEqualTo(1);
        assertThat(model.results).containsExactly("fast a", "slow b");
    }

    @Test
    void should_hand_a_failure_to_langchain4js_handler_when_its_call_ends_not_when_its_turn_ends() {
        FailingTools tools = new FailingTools();
        TwoCalls model = new TwoCalls();
        Assistant assistant = ParallelTools.builder().build().install(AiServices.builder(Assistant.class)
                        .toolExecutionErrorHandler((error, context) -> {
                            tools.handled.countDown();
                            return ToolErrorHandlerResult.text("handled: " + error.getMessage());
                        }), tools)
                .chatModel(model).build();

        assertThat(assistant.chat("go")).isEqualTo("done");

        assertThat(tools.handledWhileSiblingRan).as("the handler saw call_1's failure while call_2 still ran").isTrue();
    }

    @Test
    void should_wait_once_for_each_call_when_raw_results_need_no_turn() {
        TwoCalls model = new TwoCalls();
        Tools tools = new Tools(model);
        Assistant assistant = ParallelTools.builder().observationFormat(io.github.parallel4j.ObservationFormat.RAW)
                .build().install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        assertThat(assistant.chat("go")).isEqualTo("done");

        assertThat(tools.failures).isEmpty();
        // A raw result is handed back as soon as its own call ends: call_1's, then call_2's, one wait each.
        assertThat(model.waitsAtNextCall - model.waitsAtMessage).isEqualTo(2);
    }
}
