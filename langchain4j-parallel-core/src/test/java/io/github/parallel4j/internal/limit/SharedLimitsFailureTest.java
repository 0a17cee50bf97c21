package io.github.parallel4j.internal.limit;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A shared-limits backend that fails is an outcome of the call, never a call without one: it throws, fails its
 * stage, or never answers; the call falls back to the in-JVM limits or is refused, as configured, within its budget.
 */
class SharedLimitsFailureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static final class Tools {
        final AtomicInteger runs = new AtomicInteger();

        @Tool
        @ParallelSafe
        @Integration("vendor")
        String query(String q) {
            runs.incrementAndGet();
            return "{\"q\":\"" + q + "\"}";
        }
    }

    enum Failure { THROWS, FAILS, HANGS }

    /** A backend that fails every permit request in one way, and records what it was asked to release. */
    static final class BrokenLimits implements SharedLimits {
        final Failure failure;
        final OnFailure onFailure;
        final Duration timeout;
        final List<CompletableFuture<Optional<Lease>>> hanging = new CopyOnWriteArrayList<>();
        final AtomicInteger released = new AtomicInteger();

        BrokenLimits(Failure failure, OnFailure onFailure, Duration timeout) {
            this.failure = failure;
            this.onFailure = onFailure;
            this.timeout = timeout;
        }

        Lease lease() {
            return new Lease() {
                @Override
                public CompletionStage<Boolean> renew(Duration lease) {
                    return CompletableFuture.completedFuture(true);
                }

                @Override
                public CompletionStage<Void> release() {
                    released.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }
            };
        }

        @Override
        public String backend() {
            return "broken";
        }

        @Override
        public OnFailure onFailure() {
            return onFailure;
        }

        @Override
        public Duration timeout() {
            return timeout;
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
            return switch (failure) {
                case THROWS -> throw new IllegalStateException("connection refused");
                case FAILS -> CompletableFuture.failedFuture(new IllegalStateException("connection reset"));
                case HANGS -> {
                    CompletableFuture<Optional<Lease>> never = new CompletableFuture<>();
                    hanging.add(never);
                    yield never;
                }
            };
        }

        @Override
        public CompletionStage<Long> consume(String bucket, List<Bandwidth> bandwidths) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public CompletionStage<Void> refund(String bucket, List<Bandwidth> bandwidths) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Lease>> lock(List<String> keys, List<Boolean> writes, Duration maxWait,
                Duration lease) {
            return CompletableFuture.completedFuture(Optional.of(lease()));
        }

        @Override
        public CompletionStage<Integer> inFlight(String integration) {
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        }
    }

    private static ParallelTools parallel(SharedLimits shared, Duration budget) {
        return ParallelTools.builder().turnTimeout(budget)
                .integration("vendor", IntegrationLimits.builder().maxConcurrent(2).build())
                .sharedLimits(shared).build();
    }

    private static List<JsonNode> turn(ParallelTools parallel, Tools tools, int calls) throws Exception {
        List<dev.langchain4j.agent.tool.ToolExecutionRequest> requests = new java.util.ArrayList<>();
        for (int i = 0; i < calls; i++) {
            requests.add(call("call_" + i, "query", "{\"q\":\"q" + i + "\"}"));
        }
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(requests);
        parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build().chat("go");
        List<JsonNode> observations = new java.util.ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.lastRequest())) {
            observations.add(JSON.readTree(text));
        }
        return observations;
    }

    @Test
    void should_refuse_with_limits_unavailable_when_the_backend_fails_and_the_configuration_refuses()
            throws Exception {
        for (Failure failure : List.of(Failure.THROWS, Failure.FAILS)) {
            BrokenLimits broken = new BrokenLimits(failure, SharedLimits.OnFailure.REFUSE, Duration.ofSeconds(1));
            ParallelTools parallel = parallel(broken, Duration.ofSeconds(10));
            Tools tools = new Tools();

            List<JsonNode> observations = turn(parallel, tools, 3);

            assertThat(observations).as(failure.name()).allSatisfy(o -> {
                assertThat(o.get("ok").asBoolean()).isFalse();
                assertThat(o.get("error_code").asText()).isEqualTo("LIMITS_UNAVAILABLE");
            });
            assertThat(tools.runs.get()).isZero();
            SharedLimits.Status status = parallel.sharedLimitsStatus().orElseThrow();
            assertThat(status.available()).isFalse();
            assertThat(status.refusals()).isEqualTo(3);
            assertThat(parallel.inFlight("vendor")).isZero(); // the in-JVM slots taken before went back
        }
    }

    @Test
    void should_fall_back_to_the_in_jvm_limits_when_the_backend_fails_and_the_configuration_falls_back()
            throws Exception {
        for (Failure failure : List.of(Failure.THROWS, Failure.FAILS)) {
            BrokenLimits broken = new BrokenLimits(failure, SharedLimits.OnFailure.FALLBACK, Duration.ofSeconds(1));
            ParallelTools parallel = parallel(broken, Duration.ofSeconds(10));
            Tools tools = new Tools();

            List<JsonNode> observations = turn(parallel, tools, 3);

            assertThat(observations).as(failure.name()).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
            assertThat(tools.runs.get()).isEqualTo(3);
            assertThat(parallel.sharedLimitsStatus().orElseThrow().fallbacks()).isEqualTo(3);
            assertThat(parallel.sharedInFlight("vendor")).isEmpty();
        }
    }

    @Test
    void should_give_up_on_a_backend_that_does_not_answer_and_release_what_it_grants_later() throws Exception {
        BrokenLimits broken = new BrokenLimits(Failure.HANGS, SharedLimits.OnFailure.REFUSE, Duration.ofMillis(50));
        ParallelTools parallel = parallel(broken, Duration.ofSeconds(10));
        Tools tools = new Tools();

        List<JsonNode> observations = turn(parallel, tools, 1);

        assertThat(observations.get(0).get("error_code").asText()).isEqualTo("LIMITS_UNAVAILABLE");
        assertThat(observations.get(0).get("error").asText()).contains("could not be reached");
        broken.hanging.get(0).complete(Optional.of(broken.lease())); // the grant comes after all
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> broken.released.get() == 1);
        assertThat(tools.runs.get()).isZero();
    }

    @Test
    void should_answer_a_call_within_its_budget_when_the_backend_answers_later_than_the_budget() throws Exception {
        BrokenLimits broken = new BrokenLimits(Failure.HANGS, SharedLimits.OnFailure.FALLBACK, Duration.ofMinutes(5));
        ParallelTools parallel = parallel(broken, Duration.ofMillis(200));
        Tools tools = new Tools();

        long start = System.nanoTime();
        List<JsonNode> slow = turn(parallel, tools, 1);
        long took = System.nanoTime() - start;

        assertThat(slow.get(0).get("error_code").asText()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(tools.runs.get()).isZero();
        // answered on its budget, not after the backend's five-minute timeout
        assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofMinutes(1));
        broken.hanging.get(0).complete(Optional.of(broken.lease()));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> broken.released.get() == 1);
        assertThat(parallel.inFlight("vendor")).isZero();
    }
}
