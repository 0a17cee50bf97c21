package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.LimitRefusal;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rate pacing on a fake clock: waiting advances the clock instead of sleeping, so the schedule is exact. */
class RatePacingTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;
    private final IntegrationGate.Sleeper sleeper = nanos -> now.addAndGet(nanos);

    private static PlannedCall jiraCall() {
        Map<String, ToolPolicy> policies = Map.of("ticket", ToolPolicy.read().withIntegration("jira"));
        return new Planner(8, policies::get, Planner.UnknownTools.REJECT)
                .plan(List.of(new CallRequest("c", "ticket", "{}"))).calls().get(0);
    }

    @Test
    void should_admit_a_burst_of_capacity_then_one_call_per_refill_interval() throws Exception {
        IntegrationGate gate = new IntegrationGate(
                Map.of("jira", IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        long origin = now.get();

        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            gate.pace(call, null, Long.MAX_VALUE, ticker);
            starts.add((now.get() - origin) / 1_000_000);
        }

        assertThat(starts).containsExactly(0L, 0L, 0L, 0L, 0L, 200L, 400L, 600L, 800L, 1000L, 1200L, 1400L);
    }

    @Test
    void should_combine_bandwidths() throws Exception {
        IntegrationGate gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder()
                .rate(5, Duration.ofSeconds(1)).rate(8, Duration.ofMinutes(1)).build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        long origin = now.get();

        for (int i = 0; i < 9; i++) {
            gate.pace(call, null, Long.MAX_VALUE, ticker);
        }

        // 8 per minute: the 9th call waits for the minute bandwidth (one token per 7.5 s)
        assertThat(now.get() - origin).isGreaterThanOrEqualTo(Duration.ofMillis(7_500).toNanos());
    }

    @Test
    void should_refuse_at_once_and_consume_nothing_when_the_permit_comes_after_the_deadline() throws Exception {
        IntegrationGate gate = new IntegrationGate(
                Map.of("jira", IntegrationLimits.builder().rate(1, Duration.ofSeconds(10)).build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        gate.pace(call, null, Long.MAX_VALUE, ticker);
        long before = now.get();

        assertThatThrownBy(() -> gate.pace(call, null, now.get() + Duration.ofSeconds(2).toNanos(), ticker))
                .isInstanceOfSatisfying(LimitRefusal.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(now.get()).as("no time was spent waiting").isEqualTo(before);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        gate.pace(call, null, now.get() + Duration.ofSeconds(1).toNanos(), ticker); // the refused call consumed nothing
    }

    @Test
    void should_give_back_the_permit_of_a_request_the_upstream_refused() throws Exception {
        IntegrationGate gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder()
                .rate(1, Duration.ofSeconds(1)).perKeyRate(1, Duration.ofSeconds(1)).build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        long origin = now.get();

        gate.pace(call, "alice", Long.MAX_VALUE, ticker);
        gate.slowDown(call, "alice", Duration.ofMillis(50), ticker);
        gate.pace(call, "alice", Long.MAX_VALUE, ticker);

        assertThat(now.get() - origin).as("only the pause, not a refill, was waited for")
                .isEqualTo(Duration.ofMillis(50).toNanos());
    }

    @Test
    void should_accept_any_bucket4j_bandwidth() throws Exception {
        IntegrationGate gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder()
                .bandwidth(io.github.bucket4j.Bandwidth.builder().capacity(2).refillIntervally(2, Duration.ofSeconds(1))
                        .initialTokens(0).build())
                .build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        long origin = now.get();

        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            gate.pace(call, null, Long.MAX_VALUE, ticker);
            starts.add((now.get() - origin) / 1_000_000);
        }

        assertThat(starts).containsExactly(1000L, 1000L, 2000L, 2000L);
    }

    @Test
    void should_keep_a_separate_bucket_per_key() throws Exception {
        IntegrationGate gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder()
                .perKeyRate(2, Duration.ofSeconds(1)).build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        long origin = now.get();

        gate.pace(call, "conversation-a", Long.MAX_VALUE, ticker);
        gate.pace(call, "conversation-a", Long.MAX_VALUE, ticker);
        gate.pace(call, "conversation-b", Long.MAX_VALUE, ticker);
        gate.pace(call, "conversation-b", Long.MAX_VALUE, ticker);
        assertThat(now.get()).as("each key has its own burst").isEqualTo(origin);

        gate.pace(call, "conversation-a", Long.MAX_VALUE, ticker);
        assertThat(now.get() - origin).isEqualTo(Duration.ofMillis(500).toNanos());
        gate.pace(call, null, Long.MAX_VALUE, ticker); // no key: per-key rates do not apply
        assertThat(now.get() - origin).isEqualTo(Duration.ofMillis(500).toNanos());
    }

    @Test
    void should_pause_an_integration_after_an_upstream_429() throws Exception {
        IntegrationGate gate = new IntegrationGate(Map.of(), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        long origin = now.get();

        gate.slowDown(call, null, Duration.ofMillis(750), ticker);
        assertThat(gate.pauseRemaining("jira")).hasValue(Duration.ofMillis(750));
        gate.pace(call, null, Long.MAX_VALUE, ticker);

        assertThat(now.get() - origin).isEqualTo(Duration.ofMillis(750).toNanos());
        assertThat(gate.pauseRemaining("jira")).isEmpty();
        assertThatThrownBy(() -> {
            gate.slowDown(call, null, Duration.ofSeconds(30), ticker);
            gate.pace(call, null, now.get() + Duration.ofSeconds(1).toNanos(), ticker);
        }).isInstanceOfSatisfying(LimitRefusal.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    }
}
