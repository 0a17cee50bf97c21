package io.github.parallel4j.spring.micrometer;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Retry;
import io.github.parallel4j.support.ScriptedChatModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every metric the observer records, from one turn that has each kind of trouble. */
class MicrometerTurnObserverTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final AtomicInteger flakyCalls = new AtomicInteger();
        final AtomicInteger throttledCalls = new AtomicInteger();
        final CountDownLatch never = new CountDownLatch(1);
        final CountDownLatch slowStarted = new CountDownLatch(1);

        @Tool @ParallelSafe @Retry(maxAttempts = 3, backoffMillis = 1, maxBackoffMillis = 2)
        public String flaky(String x) {
            if (flakyCalls.incrementAndGet() == 1) {
                throw new IllegalStateException("transient");
            }
            return "ok";
        }

        @Tool @ParallelSafe @Integration("vendor")
        public String throttled(String x) {
            if (throttledCalls.incrementAndGet() == 1) {
                throw new RateLimitedException("429 from the vendor", Duration.ofMillis(1));
            }
            return "ok";
        }

        @Tool @ParallelSafe
        public String big(String x) throws InterruptedException {
            slowStarted.await(5, TimeUnit.SECONDS); // so that two calls surely run at once
            return "y".repeat(5_000);
        }

        @Tool @ParallelSafe @Integration("scarce")
        public String scarce(String x) {
            return "ok";
        }

        @Tool @ParallelSafe
        public String slow(String x) throws InterruptedException {
            slowStarted.countDown();
            never.await(10, TimeUnit.SECONDS);
            return "late";
        }
    }

    @Test
    void should_record_calls_retries_throttling_truncation_cancellation_and_shape_when_turns_run() throws Exception {
        // Listeners are told after every observer, and a report may arrive after the AI service has answered.
        CountDownLatch reported = new CountDownLatch(1);
        MeterRegistry meters = new SimpleMeterRegistry();
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "flaky", "{\"x\":\"1\"}"), call("c2", "throttled", "{\"x\":\"2\"}"),
                call("c3", "big", "{\"x\":\"3\"}"), call("c4", "scarce", "{\"x\":\"4\"}"),
                call("c5", "scarce", "{\"x\":\"5\"}"), call("c6", "slow", "{\"x\":\"6\"}")));
        ParallelTools.builder()
                .turnTimeout(Duration.ofMillis(500))
                .maxObservationChars(1_000)
                .deduplicateReads(false)
                .integration("scarce", IntegrationLimits.builder().rate(1, Duration.ofHours(1)).build())
                .turnObserver(new MicrometerTurnObserver(ObservationRegistry.NOOP, meters))
                .turnListener(report -> reported.countDown())
                .build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model).build()
                .chat("go");
        assertThat(reported.await(10, TimeUnit.SECONDS)).as("the turn was reported").isTrue();

        assertThat(count(meters, "parallel.tools.calls", "flaky", "outcome", "ok")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.retried", "flaky")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.throttled", "throttled", "reason", "upstream_429")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.calls", "throttled", "outcome", "ok")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.truncated", "big")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.calls", "scarce", "outcome", "ok")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.calls", "scarce", "outcome", "rate_limited")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.throttled", "scarce", "reason", "no_permit")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.calls", "slow", "outcome", "budget_exceeded")).isEqualTo(1);
        assertThat(count(meters, "parallel.tools.cancelled", "slow", "reason", "budget_exceeded")).isEqualTo(1);
        assertThat(meters.get("parallel.tools.call.latency").tag("tool", "big").tag("integration", "none").timer()
                .count()).isEqualTo(1);
        // the permit wait is tagged with the step the scheduler recorded as holding the call longest
        assertThat(meters.get("parallel.tools.permit.wait").tag("tool", "flaky").tag("held_by", "retry").timer()
                .count()).isEqualTo(1);
        assertThat(meters.get("parallel.tools.permit.wait").tag("tool", "big").tag("held_by", "none").timer()
                .count()).isEqualTo(1);
        assertThat(meters.get("parallel.tools.turn.fanout").summary().max()).isEqualTo(6);
        assertThat(meters.get("parallel.tools.turn.overlap").summary().max()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("parallel.tools.turn.duration").timer().count()).isEqualTo(1);
    }

    private static double count(MeterRegistry meters, String name, String tool, String... tags) {
        Counter counter = meters.find(name).tag("tool", tool).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
