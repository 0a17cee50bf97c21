package io.github.parallel4j.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.mock.ChatModelMock;
import dev.langchain4j.model.chat.mock.StreamingChatModelMock;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scripted versions of LangChain4j tests that need a real model (skipped in {@link LangChain4jToolTestsTest}) and
 * check behaviour the library changes: the round-trip limit, {@code executeToolsConcurrently()}'s threads and
 * order, and how many calls one response may hold. Each installs its tools as a user would.
 */
class ScriptedEquivalentsTest {

    interface Assistant {
        String chat(String message);
    }

    static class TransactionService {
        final AtomicInteger calls = new AtomicInteger();

        @Tool("returns amount of a given transaction")
        double getTransactionAmount(@P(name = "id", value = "ID of a transaction") String id) {
            calls.incrementAndGet();
            return id.equals("T001") ? 11.1 : 22.2;
        }
    }

    private static AiMessage call(String id, String name, String arguments) {
        return AiMessage.from(ToolExecutionRequest.builder().id(id).name(name).arguments(arguments).build());
    }

    /** AiServicesWithToolsIT#should_not_execute_multiple_tools_sequentially_when_maxSequentialToolsInvocations_is_exceeded */
    @Test
    void should_stop_at_langchain4j_round_trip_limit_when_tools_run_through_install() {
        TransactionService service = new TransactionService();
        ChatModelMock model = ChatModelMock.thatAlwaysResponds(
                call("1", "getTransactionAmount", "{\"id\": \"T001\"}"),
                call("2", "getTransactionAmount", "{\"id\": \"T002\"}"),
                AiMessage.from("33.3"));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), service)
                .chatModel(model)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                .maxToolCallingRoundTrips(1)
                .build();

        assertThatExceptionOfType(RuntimeException.class)
                .isThrownBy(() -> assistant.chat("What are the amounts of transactions T001 and T002?"))
                .withMessage("Something is wrong, exceeded 1 tool calling round trips (maxToolCallingRoundTrips)");
        assertThat(service.calls).hasValue(1);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    /** StreamingAiServicesWithToolsIT#should_not_execute_multiple_tools_sequentially_when_maxSequentialToolsInvocations_is_exceeded */
    @Test
    void should_stop_at_langchain4j_round_trip_limit_when_streaming_through_install() throws Exception {
        TransactionService service = new TransactionService();
        StreamingChatModelMock model = StreamingChatModelMock.thatAlwaysStreams(
                call("1", "getTransactionAmount", "{\"id\": \"T001\"}"),
                call("2", "getTransactionAmount", "{\"id\": \"T002\"}"),
                AiMessage.from("33.3"));
        StreamingAssistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(StreamingAssistant.class), service)
                .streamingChatModel(model)
                .maxToolCallingRoundTrips(1)
                .build();
        AtomicInteger executed = new AtomicInteger();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();

        assistant.chat("What are the amounts of transactions T001 and T002?")
                .onToolExecuted(execution -> executed.incrementAndGet())
                .onError(failure::complete)
                .onCompleteResponse(r -> failure.completeExceptionally(new IllegalStateException("completed")))
                .start();

        assertThat(failure.get(30, TimeUnit.SECONDS))
                .isExactlyInstanceOf(RuntimeException.class)
                .hasMessage("Something is wrong, exceeded 1 tool calling round trips (maxToolCallingRoundTrips)");
        assertThat(executed).hasValue(1);
        assertThat(service.calls).hasValue(1);
    }

    static class Weather {
        final CyclicBarrier bothRunning = new CyclicBarrier(2);
        final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

        @Tool @ParallelSafe
        String getCurrentTime(@P(name = "city", value = "a city") String city) throws Exception {
            return run("16:28");
        }

        @Tool @ParallelSafe
        String getCurrentTemperature(@P(name = "city", value = "a city") String city) throws Exception {
            return run("17");
        }

        private String run(String answer) throws Exception {
            threads.add(Thread.currentThread());
            bothRunning.await(10, TimeUnit.SECONDS); // breaks (and the call fails) unless the other call runs too
            return answer;
        }
    }

    /** AiServicesWithToolsIT#should_execute_multiple_tools_in_parallel_concurrently_then_answer */
    @Test
    void should_run_reads_at_once_on_tool_threads_and_answer_in_model_order_when_executing_tools_concurrently() {
        Weather tools = new Weather();
        Map<String, Thread> before = new ConcurrentHashMap<>();
        Map<String, Thread> after = new ConcurrentHashMap<>();
        ChatMemory memory = MessageWindowChatMemory.withMaxMessages(10);
        ChatModelMock model = ChatModelMock.thatAlwaysResponds(
                AiMessage.from(
                        ToolExecutionRequest.builder().id("a").name("getCurrentTime").arguments("{\"city\": \"Munich\"}").build(),
                        ToolExecutionRequest.builder().id("b").name("getCurrentTemperature").arguments("{\"city\": \"Munich\"}").build()),
                AiMessage.from("16:28 and 17 degrees"));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), tools)
                .chatModel(model)
                .chatMemory(memory)
                .executeToolsConcurrently()
                .beforeToolExecution(b -> before.put(b.request().name(), Thread.currentThread()))
                .afterToolExecution(e -> after.put(e.request().name(), Thread.currentThread()))
                .build();

        assertThat(assistant.chat("Time and temperature in Munich?")).isEqualTo("16:28 and 17 degrees");

        Thread caller = Thread.currentThread();
        assertThat(tools.threads).hasSize(2).doesNotContain(caller).doesNotHaveDuplicates();
        // LangChain4j's hooks run on its own threads, as without the library; the tools on the library's.
        assertThat(before.values()).doesNotContain(caller);
        assertThat(after.keySet()).containsExactlyInAnyOrder("getCurrentTime", "getCurrentTemperature");
        List<ToolExecutionResultMessage> results = memory.messages().stream()
                .filter(ToolExecutionResultMessage.class::isInstance)
                .map(ToolExecutionResultMessage.class::cast)
                .toList();
        assertThat(results).extracting(ToolExecutionResultMessage::id).containsExactly("a", "b");
        assertThat(results.get(0).text()).contains("16:28");
        assertThat(results.get(1).text()).contains("17");
    }

    /**
     * AiServicesWithToolsIT#should_execute_single_tool_in_the_same_thread: LangChain4j runs a lone call on the
     * caller's thread; through the library the tool runs on a tool thread (the hand-off that lets the turn budget
     * hold even for a tool that ignores interrupts), while LangChain4j's hooks stay on the caller's thread.
     */
    @Test
    void should_run_a_lone_call_on_a_tool_thread_and_the_hooks_on_the_caller_when_executing_tools_concurrently() {
        Queue<Thread> toolThreads = new ConcurrentLinkedQueue<>();
        Map<String, Thread> hooks = new ConcurrentHashMap<>();
        class Clock {
            @Tool @ParallelSafe
            String getCurrentTime(@P(name = "city", value = "a city") String city) {
                toolThreads.add(Thread.currentThread());
                return "16:28";
            }
        }
        ChatModelMock model = ChatModelMock.thatAlwaysResponds(
                call("a", "getCurrentTime", "{\"city\": \"Munich\"}"), AiMessage.from("16:28"));
        Assistant assistant = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new Clock())
                .chatModel(model)
                .executeToolsConcurrently()
                .beforeToolExecution(b -> hooks.put("before", Thread.currentThread()))
                .afterToolExecution(e -> hooks.put("after", Thread.currentThread()))
                .build();

        assertThat(assistant.chat("Time in Munich?")).isEqualTo("16:28");

        Thread caller = Thread.currentThread();
        assertThat(toolThreads).hasSize(1).doesNotContain(caller);
        assertThat(hooks).containsEntry("before", caller).containsEntry("after", caller);
    }

    /** Many calls in one response (the real-model tests ask for two or three): the library's limit per response. */
    @Test
    void should_run_none_of_a_response_that_holds_more_calls_than_allowed_and_all_of_one_within_it() {
        TransactionService service = new TransactionService();
        ParallelTools parallel = ParallelTools.builder().maxBatchSize(3).build();
        ChatMemory memory = MessageWindowChatMemory.withMaxMessages(20);
        ChatModelMock model = ChatModelMock.thatAlwaysResponds(
                calls(4), AiMessage.from("too many"), calls(3), AiMessage.from("done"));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), service)
                .chatModel(model)
                .chatMemory(memory)
                .build();

        assertThat(assistant.chat("four")).isEqualTo("too many");
        assertThat(service.calls).hasValue(0);
        assertThat(texts(memory)).hasSize(4).allSatisfy(t -> assertThat(t).contains("BATCH_TOO_LARGE"));

        memory.clear();
        assertThat(assistant.chat("three")).isEqualTo("done");
        assertThat(service.calls).hasValue(3);
        assertThat(texts(memory)).hasSize(3).allSatisfy(t -> assertThat(t).contains("\"ok\":true"));
    }

    private static AiMessage calls(int n) {
        ToolExecutionRequest[] requests = new ToolExecutionRequest[n];
        for (int i = 0; i < n; i++) {
            requests[i] = ToolExecutionRequest.builder().id("c" + n + "_" + i).name("getTransactionAmount")
                    .arguments("{\"id\": \"T00" + (i + 1) + "\"}").build();
        }
        return AiMessage.from(requests);
    }

    private static List<String> texts(ChatMemory memory) {
        return memory.messages().stream()
                .filter(ToolExecutionResultMessage.class::isInstance)
                .map(m -> ((ToolExecutionResultMessage) m).text())
                .toList();
    }

}
