package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Telling the other JVMs of a pause is a courtesy: when the backend refuses it or does not answer, the shared
 * limits stay in use; pauses heard from others are bounded and only for integrations configured here.
 */
class SharedPauseCourtesyTest {

    /** A backend whose limits work but whose pauses fail (pub/sub refused) or never answer. */
    static class NoPubSub extends SharedTokenRefundTest.CountingLimits {
        final AtomicInteger pauses = new AtomicInteger();
        final boolean answers;
        BiConsumer<String, Duration> listener;

        NoPubSub(boolean answers) {
            this.answers = answers;
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(50);
        }

        @Override
        public CompletionStage<Void> pause(String integration, Duration retryAfter) {
            pauses.incrementAndGet();
            return answers ? CompletableFuture.failedFuture(new IllegalStateException("NOPERM pub/sub"))
                    : new CompletableFuture<>();
        }

        @Override
        public void onPause(BiConsumer<String, Duration> listener) {
            this.listener = listener;
        }
    }

    @Test
    void should_keep_the_shared_limits_available_when_a_pause_cannot_be_published() {
        NoPubSub limits = new NoPubSub(true);
        SharedBackend backend = new SharedBackend(limits);
        backend.tellPause("vendor", Duration.ofSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> limits.pauses.get() == 1);
        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> backend.status().available());
        assertThat(backend.skip()).isFalse();
    }

    @Test
    void should_keep_the_shared_limits_available_when_a_pause_is_not_answered() {
        NoPubSub limits = new NoPubSub(false);
        SharedBackend backend = new SharedBackend(limits);
        backend.tellPause("vendor", Duration.ofSeconds(1));
        // past the backend's 50 ms timeout: the publish is given up on, the limits stay available
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> backend.status().available());
        assertThat(backend.skip()).isFalse();
    }

    @Test
    void should_cap_a_heard_pause_and_ignore_unknown_integrations() {
        NoPubSub limits = new NoPubSub(true);
        Map<String, IntegrationLimits> configured = Map.of("vendor", IntegrationLimits.builder().maxConcurrent(2)
                .build());
        IntegrationGate local = new IntegrationGate(configured, 0, Ticker.system(),
                IntegrationGate.Sleeper.parking());
        SharedGate gate = new SharedGate(local, configured, limits, Ticker.system(), Duration.ofSeconds(2));
        limits.listener.accept("vendor", Duration.ofMillis(Long.MAX_VALUE)); // "9223372036854775807 vendor"
        limits.listener.accept("unknown", Duration.ofSeconds(1));

        assertThat(local.pauseRemaining("vendor")).hasValueSatisfying(left -> assertThat(left)
                .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(local.pauseRemaining("unknown")).isEmpty();
        assertThat(gate.status().available()).isTrue();
    }

    @Test
    void should_not_pause_the_sender_again_when_its_backend_tells_it_back() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        Ticker ticker = now::get;
        // a backend that tells its listeners of a pause (as Redis's topic does), 100 ms later by this clock
        NoPubSub limits = new NoPubSub(true) {
            @Override
            public CompletionStage<Void> pause(String integration, Duration retryAfter) {
                now.addAndGet(Duration.ofMillis(100).toNanos());
                listener.accept(integration, retryAfter);
                return CompletableFuture.completedFuture(null);
            }
        };
        Map<String, IntegrationLimits> configured = Map.of("jira", IntegrationLimits.builder().maxConcurrent(2)
                .build());
        IntegrationGate local = new IntegrationGate(configured, 0, ticker, IntegrationGate.Sleeper.parking());
        SharedGate gate = new SharedGate(local, configured, limits, ticker, Duration.ofMinutes(5));
        io.github.parallel4j.internal.plan.PlannedCall call = new io.github.parallel4j.internal.plan.Planner(8,
                java.util.Map.of("ticket", io.github.parallel4j.policy.ToolPolicy.read().withIntegration("jira"))::get,
                io.github.parallel4j.internal.plan.Planner.UnknownTools.REJECT)
                .plan(java.util.List.of(new io.github.parallel4j.internal.plan.CallRequest("c", "ticket", "{}")))
                .calls().get(0);

        gate.slowDown(call, null, Duration.ofSeconds(1), ticker);

        // paused for 1 s from the 429, not 1 s from when the backend echoed it (which would leave 1 s now)
        assertThat(local.pauseRemaining("jira")).contains(Duration.ofMillis(900));
    }
}
