package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** Caps hold across many concurrent turns, and nothing leaks. */
class LimitsUnderLoadTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();

        private String work(String name, String conversation) {
            return log.record(name, conversation, () -> {
                Thread.sleep(3); // simulated latency
                return name;
            });
        }

        @Tool @ParallelSafe @Integration("datadog") String metrics(String q) { return work("datadog", q); }
        @Tool @ParallelSafe @Integration("jira") String ticket(String q) { return work("jira", q); }
        @Tool @ParallelSafe String runbook(String q) { return work("free", q); }
    }

    private static List<ToolExecutionRequest> mixedCalls(int turn) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        String q = "{\"q\":\"t" + turn + "\"}";
        for (int i = 0; i < 3; i++) {
            calls.add(call("m" + i, "metrics", q));
        }
        for (int i = 0; i < 2; i++) {
            calls.add(call("j" + i, "ticket", q));
        }
        for (int i = 0; i < 3; i++) {
            calls.add(call("r" + i, "runbook", q));
        }
        return calls;
    }

    /** The most intervals (filtered) that overlap at any instant, grouped by key; the max over groups. */
    private static int maxOverlap(List<CallLog.Interval> intervals, ToIntFunction<CallLog.Interval> group) {
        List<long[]> events = new ArrayList<>();
        for (CallLog.Interval i : intervals) {
            events.add(new long[] {i.start(), 1, group.applyAsInt(i)});
            events.add(new long[] {i.end(), -1, group.applyAsInt(i)});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        java.util.Map<Long, Integer> running = new java.util.HashMap<>();
        int max = 0;
        for (long[] e : events) {
            int now = running.merge(e[2], (int) e[1], Integer::sum);
            max = Math.max(max, now);
        }
        return max;
    }

    @Test
    void should_hold_every_cap_over_two_hundred_concurrent_turns() throws Exception {
        int turns = 200;
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder()
                .integration("datadog", IntegrationLimits.builder().maxConcurrent(3).build())
                .integration("jira", IntegrationLimits.builder().maxConcurrent(2).build())
                .maxConcurrentCalls(12)
                .maxConcurrentCallsPerTurn(4)
                .turnTimeout(Duration.ofMinutes(2))
                .deduplicateReads(false) // the same query thrice per turn: every call must run to load the caps
                .build();
        ExecutorService callers = Executors.newFixedThreadPool(turns);
        List<CompletableFuture<String>> answers = new ArrayList<>();
        try {
            for (int t = 0; t < turns; t++) {
                int turn = t;
                ScriptedChatModel turnModel = new ScriptedChatModel(
                        request -> AiMessage.from(mixedCalls(turn)), request -> AiMessage.from("ok " + turn));
                Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools)
                        .chatModel(turnModel).build();
                answers.add(CompletableFuture.supplyAsync(() -> assistant.chat("go"), callers));
            }
            for (CompletableFuture<String> answer : answers) {
                assertThat(answer.get(120, TimeUnit.SECONDS)).startsWith("ok");
            }
        } finally {
            callers.shutdownNow();
        }

        List<CallLog.Interval> all = tools.log.intervals();
        assertThat(all).hasSize(turns * 8);
        List<CallLog.Interval> datadog = all.stream().filter(i -> i.name().equals("datadog")).toList();
        List<CallLog.Interval> jira = all.stream().filter(i -> i.name().equals("jira")).toList();
        assertThat(maxOverlap(datadog, i -> 0)).isBetween(1, 3);
        assertThat(maxOverlap(jira, i -> 0)).isBetween(1, 2);
        assertThat(maxOverlap(all, i -> 0)).as("JVM-wide cap").isBetween(4, 12);
        assertThat(maxOverlap(all, i -> Integer.parseInt(i.detail().substring(1)))).as("per-turn cap").isBetween(2, 4);
        assertThat(parallel.inFlight("datadog")).isZero();
        assertThat(parallel.waiting("jira")).isZero();
        assertThat(parallel.invocationsInFlight()).isZero();
    }

    @Test
    void should_leak_no_thread_over_five_thousand_turns() {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().build();
        List<ToolExecutionRequest> calls = List.of(call("a", "runbook", "{\"q\":\"x\"}"), call("b", "runbook", "{\"q\":\"y\"}"));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), new Object() {
                    @Tool @ParallelSafe String runbook(String q) { return q; }
                })
                .chatModel(new dev.langchain4j.model.chat.ChatModel() {
                    private boolean tools = true;

                    @Override
                    public synchronized dev.langchain4j.model.chat.response.ChatResponse doChat(
                            dev.langchain4j.model.chat.request.ChatRequest request) {
                        AiMessage message = tools ? AiMessage.from(calls) : AiMessage.from("done");
                        tools = !tools;
                        return dev.langchain4j.model.chat.response.ChatResponse.builder().aiMessage(message).build();
                    }
                })
                .build();
        for (int i = 0; i < 200; i++) {
            assistant.chat("warm up");
        }
        int before = Thread.activeCount();

        for (int i = 0; i < 5_000; i++) {
            assistant.chat("go");
        }

        assertThat(Thread.activeCount()).as("threads after 5 000 turns").isLessThanOrEqualTo(before + 4);
        assertThat(parallel.invocationsInFlight()).isZero();
        assertThat(tools.log.intervals()).isEmpty();
    }
}
