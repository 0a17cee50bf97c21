package io.github.parallel4j.internal.limit;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A call that took a shared rate token and then does not run gives the token back. */
class SharedTokenRefundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Always has a token; counts what it gave and what came back. */
    static class CountingLimits implements SharedLimits {
        final AtomicInteger consumed = new AtomicInteger();
        final AtomicInteger refunded = new AtomicInteger();

        @Override
        public String backend() {
            return "counting";
        }

        @Override
        public OnFailure onFailure() {
            return OnFailure.REFUSE;
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration leaseMargin() {
            return Duration.ofSeconds(1);
        }

        @Override
        public boolean sharesKeyedWrites() {
            return false;
        }

        @Override
        public CompletionStage<Optional<Lease>> acquire(String integration, int capacity, Duration maxWait,
                Duration lease) {
            throw new AssertionError("no cap configured");
        }

        @Override
        public CompletionStage<Long> consume(String bucket, List<Bandwidth> bandwidths) {
            consumed.incrementAndGet();
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public CompletionStage<Void> refund(String bucket, List<Bandwidth> bandwidths) {
            refunded.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Lease>> lock(List<String> keys, List<Boolean> writes, Duration maxWait,
                Duration lease) {
            throw new AssertionError("keyed writes are not shared");
        }

        @Override
        public CompletionStage<Integer> inFlight(String integration) {
            return CompletableFuture.completedFuture(0);
        }
    }

    @Test
    void should_give_back_the_shared_token_of_a_call_the_in_jvm_rate_then_refuses() throws Exception {
        CountingLimits shared = new CountingLimits();
        // one call an hour in this JVM: the second and third take a shared token, then this JVM's rate refuses them
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofSeconds(5))
                .integration("vendor", IntegrationLimits.builder().rate(1, Duration.ofHours(1)).build())
                .sharedLimits(shared).build();
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requests.add(call("call_" + i, "query", "{\"q\":\"q" + i + "\"}"));
        }
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(requests);
        parallel.install(AiServices.builder(SharedLimitsFailureTest.Assistant.class),
                new SharedLimitsFailureTest.Tools()).chatModel(model).build().chat("go");
        List<String> codes = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.lastRequest())) {
            JsonNode o = JSON.readTree(text);
            codes.add(o.get("ok").asBoolean() ? "ok" : o.get("error_code").asText());
        }

        assertThat(codes).containsExactlyInAnyOrder("ok", "RATE_LIMITED", "RATE_LIMITED");
        assertThat(shared.consumed.get()).isEqualTo(3);
        // before the fix: 0, the two refused calls' tokens were dropped
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> shared.refunded.get() == 2);
    }

    /**
     * The first call holds its thread past the turn's budget (it ignores the interrupt, abandoned, until the test
     * ends it), so the second can only be withdrawn while it waits for that thread; the others finish at once.
     */
    static final class BlockingTools {
        final java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        final AtomicInteger runs = new AtomicInteger();

        @dev.langchain4j.agent.tool.Tool
        @io.github.parallel4j.annotation.ParallelSafe
        @io.github.parallel4j.annotation.Integration("vendor")
        String query(String q) {
            runs.incrementAndGet();
            while (q.equals("q0")) {
                try {
                    if (end.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException ignored) {
                    // a stuck call: the budget's interrupt does not end it
                }
            }
            return "{\"q\":\"" + q + "\"}";
        }
    }

    /** Runs two calls on one JVM-wide thread: the first blocks until the 300 ms budget; the second is withdrawn. */
    private static CountingLimits withdrawnWithRate(int permits, Duration period) throws Exception {
        BlockingTools tools = new BlockingTools();
        try {
            return withdrawnWithRate(permits, period, tools);
        } finally {
            tools.end.countDown();
        }
    }

    private static CountingLimits withdrawnWithRate(int permits, Duration period, BlockingTools tools)
            throws Exception {
        CountingLimits shared = new CountingLimits();
        // one thread for the JVM: the second call takes its shared token, then waits for the slot the first holds
        // until the turn's budget closes the turn and withdraws it
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofMillis(300)).maxConcurrentCalls(1)
                .integration("vendor", IntegrationLimits.builder().rate(permits, period).build())
                .sharedLimits(shared).build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("call_0", "query", "{\"q\":\"q0\"}"), call("call_1", "query", "{\"q\":\"q1\"}")));
        parallel.install(AiServices.builder(SharedLimitsFailureTest.Assistant.class), tools).chatModel(model)
                .build().chat("go");
        List<String> codes = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.lastRequest())) {
            JsonNode o = JSON.readTree(text);
            codes.add(o.get("ok").asBoolean() ? "ok" : o.get("error_code").asText());
        }
        assertThat(codes).containsExactly("BUDGET_EXCEEDED", "BUDGET_EXCEEDED");
        assertThat(tools.runs.get()).isEqualTo(1); // the second never ran
        assertThat(shared.consumed.get()).isEqualTo(2);
        return shared;
    }

    @Test
    void should_give_back_the_shared_token_of_a_call_withdrawn_while_it_waited_for_a_thread() throws Exception {
        // two an hour: the bucket cannot have refilled in the 300 ms the call waited
        CountingLimits shared = withdrawnWithRate(2, Duration.ofHours(1));
        // the first ran (the vendor saw it): its token stays spent; the withdrawn one's comes back
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> shared.refunded.get() == 1);
        org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).until(() -> shared.refunded.get() == 1);
    }

    @Test
    void should_leave_spent_a_token_taken_longer_ago_than_one_refill_when_its_call_is_withdrawn() throws Exception {
        // 100 a second: a token refills in 10 ms, and the call waited ~300 ms: the bucket may have filled up and
        // thrown refills away since, so a token given back would be one more than the rate allows
        CountingLimits shared = withdrawnWithRate(100, Duration.ofSeconds(1));
        org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> shared.refunded.get() == 0);
    }
}
