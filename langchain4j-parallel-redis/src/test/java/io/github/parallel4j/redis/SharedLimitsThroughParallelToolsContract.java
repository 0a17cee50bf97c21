package io.github.parallel4j.redis;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The in-JVM limit guarantees, seen through {@code ParallelTools}, when two instances (standing for two JVMs: each
 * has its own in-JVM limits) share one backend. Run on every backend by its subclasses.
 */
abstract class SharedLimitsThroughParallelToolsContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return a fresh backend; called once per instance of a test, so return the same one within a test */
    abstract SharedLimits limits();

    interface Assistant {
        String chat(String message);
    }

    /** A vendor's tool that records how many of its calls run at once. */
    static final class VendorTools {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);

        @Tool
        @ParallelSafe
        @Integration("vendor")
        String query(String q) throws InterruptedException {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20); // the vendor's own latency
                while (true) {
                    try {
                        hold.await(); // a stuck call: ignores interrupts until the test lets it go
                        break;
                    } catch (InterruptedException ignored) {
                        // keeps running, as a tool that does not honour interrupts
                    }
                }
                return "{\"q\":\"" + q + "\"}";
            } finally {
                running.decrementAndGet();
            }
        }
    }

    private static List<ToolExecutionRequest> queries(String prefix, int n) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(call(prefix + i, "query", "{\"q\":\"" + prefix + i + "\"}"));
        }
        return calls;
    }

    private static ParallelTools parallel(SharedLimits shared, IntegrationLimits limits, Duration budget) {
        return ParallelTools.builder().turnTimeout(budget).integration("vendor", limits).sharedLimits(shared).build();
    }

    /** Runs one turn of {@code n} calls; returns each call's observation. */
    private static List<JsonNode> turn(ParallelTools parallel, Object tools, String prefix, int n) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(queries(prefix, n));
        parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build().chat("go");
        List<JsonNode> observations = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.lastRequest())) {
            try {
                observations.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }
        return observations;
    }

    private static long failedWith(List<JsonNode> observations, String code) {
        return observations.stream().filter(o -> code.equals(o.path("error_code").asText())).count();
    }

    @Test
    void should_hold_an_integration_cap_across_instances() throws Exception {
        SharedLimits shared = limits();
        IntegrationLimits limits = IntegrationLimits.builder().maxConcurrent(2).build();
        ParallelTools a = parallel(shared, limits, Duration.ofSeconds(20));
        ParallelTools b = parallel(shared, limits, Duration.ofSeconds(20));
        VendorTools tools = new VendorTools();

        CompletableFuture<List<JsonNode>> first = CompletableFuture.supplyAsync(() -> turn(a, tools, "a", 5));
        List<JsonNode> second = turn(b, tools, "b", 5);

        assertThat(first.get(30, TimeUnit.SECONDS)).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        assertThat(second).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        assertThat(tools.most.get()).isEqualTo(2); // each instance alone would have let 2 run: 4 together
        // Permits go back to the backend as each call ends, asynchronously: none may stay held
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(a.sharedInFlight("vendor")).contains(0));
    }

    @Test
    void should_hold_a_rate_across_instances_and_refuse_what_cannot_come_within_the_budget() {
        SharedLimits shared = limits();
        IntegrationLimits limits = IntegrationLimits.builder().rate(3, Duration.ofMinutes(1)).build();
        ParallelTools a = parallel(shared, limits, Duration.ofSeconds(2));
        ParallelTools b = parallel(shared, limits, Duration.ofSeconds(2));
        VendorTools tools = new VendorTools();

        List<JsonNode> first = turn(a, tools, "a", 2);
        List<JsonNode> second = turn(b, tools, "b", 2);

        // each instance's own bucket had room for 2 calls; the shared one for 3 in all
        assertThat(failedWith(first, "RATE_LIMITED")).isZero();
        assertThat(failedWith(second, "RATE_LIMITED")).isEqualTo(1);
        assertThat(second.stream().filter(o -> o.get("ok").asBoolean()).count()).isEqualTo(1);
    }

    @Test
    void should_let_an_abandoned_call_keep_its_shared_permit_until_it_ends() throws Exception {
        SharedLimits shared = limits();
        IntegrationLimits limits = IntegrationLimits.builder().maxConcurrent(1).build();
        ParallelTools a = parallel(shared, limits, Duration.ofMillis(300));
        ParallelTools b = parallel(shared, limits, Duration.ofMillis(600));
        VendorTools stuck = new VendorTools();
        stuck.hold = new CountDownLatch(1);

        List<JsonNode> abandoned = turn(a, stuck, "a", 1);
        assertThat(failedWith(abandoned, "BUDGET_EXCEEDED")).isEqualTo(1);
        assertThat(a.abandonedCalls()).isEqualTo(1);

        VendorTools free = new VendorTools();
        List<JsonNode> waited = turn(b, free, "b", 1);
        assertThat(failedWith(waited, "BUDGET_EXCEEDED")).isEqualTo(1); // the permit was still the stuck call's
        assertThat(free.most.get()).isZero();

        stuck.hold.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.abandonedCalls() == 0);
        List<JsonNode> after = turn(b, free, "c", 1);
        assertThat(after).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
    }

    /** A vendor's tool whose first call is refused with a 429, and which records when each call started. */
    static final class RefusingTools {
        final AtomicInteger calls = new AtomicInteger();
        final List<Long> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile long refusedAt;
        final Duration retryAfter;

        RefusingTools(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        @Tool
        @ParallelSafe
        @Integration("vendor")
        String query(String q) {
            starts.add(System.nanoTime());
            if (calls.getAndIncrement() == 0) {
                refusedAt = System.nanoTime();
                throw new io.github.parallel4j.RateLimitedException("429 Too Many Requests", retryAfter);
            }
            return "{\"q\":\"" + q + "\"}";
        }
    }

    @Test
    void should_pause_every_instance_when_one_sees_a_429() throws Exception {
        SharedLimits shared = limits();
        pausesEveryInstance(shared, shared, () -> {});
    }

    /**
     * A 429 at {@code a}'s vendor pauses {@code b}'s calls too.
     *
     * @param atA the backend of the instance that sees the 429
     * @param atB the backend of the other (the same object, or another one sharing it, as another JVM's would)
     * @param listening waits until b's backend listens, once b has used it
     */
    static void pausesEveryInstance(SharedLimits atA, SharedLimits atB, Runnable listening) throws Exception {
        IntegrationLimits limits = IntegrationLimits.builder().maxConcurrent(4).build();
        ParallelTools a = parallel(atA, limits, Duration.ofSeconds(20));
        ParallelTools b = parallel(atB, limits, Duration.ofSeconds(20));
        // registered after both instances: told after b has paused
        CountDownLatch told = new CountDownLatch(1);
        java.util.function.BiConsumer<String, Duration> latch = (integration, retryAfter) -> told.countDown();
        atB.onPause(latch);
        Duration retryAfter = Duration.ofMillis(800);
        RefusingTools toolsA = new RefusingTools(retryAfter);
        RefusingTools toolsB = new RefusingTools(Duration.ZERO);
        toolsB.calls.set(1); // b's calls are not refused
        turn(b, toolsB, "warm", 1); // b has used the limits: a backend may start listening only then
        toolsB.starts.clear();
        listening.run();

        CompletableFuture<List<JsonNode>> first = CompletableFuture.supplyAsync(() -> turn(a, toolsA, "a", 1));
        assertThat(told.await(10, TimeUnit.SECONDS)).as("the pause reached b's backend").isTrue();
        List<JsonNode> second = turn(b, toolsB, "b", 1);

        assertThat(first.get(30, TimeUnit.SECONDS)).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        assertThat(second).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        // b never saw a 429, yet waited out a's retry-after before its call went to the vendor
        assertThat(toolsB.starts).hasSize(1);
        assertThat(toolsB.starts.get(0) - toolsA.refusedAt).isGreaterThanOrEqualTo(retryAfter.toNanos());
        assertThat(toolsA.starts.get(1) - toolsA.refusedAt).isGreaterThanOrEqualTo(retryAfter.toNanos());
        java.lang.ref.Reference.reachabilityFence(latch);
    }
}
