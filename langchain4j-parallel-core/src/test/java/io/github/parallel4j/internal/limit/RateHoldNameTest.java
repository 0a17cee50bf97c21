package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.Ticker;
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

/**
 * The on-thread rate wait names the bucket that made the call wait, as it was reserved (a probe afterwards sees the
 * drained buckets' next refill), and a gate with shared limits on top writes the same wait with the same name.
 */
class RateHoldNameTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;
    private final IntegrationGate.Sleeper sleeper = nanos -> now.addAndGet(nanos);
    private final List<String> written = new ArrayList<>();
    private final HoldLog log = (step, on, since, until) -> written.add(step + " " + on + " " + (until - since));

    private static PlannedCall jiraCall() {
        Map<String, ToolPolicy> policies = Map.of("ticket", ToolPolicy.read().withIntegration("jira"));
        return new Planner(8, policies::get, Planner.UnknownTools.REJECT)
                .plan(List.of(new CallRequest("c", "ticket", "{}"))).calls().get(0);
    }

    /** 1 per second for the integration; 2 per 100 s for each key: after one call, the key has a token left. */
    private static Map<String, IntegrationLimits> limits() {
        return Map.of("jira", IntegrationLimits.builder().rate(1, Duration.ofSeconds(1))
                .perKeyRate(2, Duration.ofSeconds(100)).build());
    }

    @Test
    void should_name_the_integrations_rate_when_it_made_the_call_wait_though_the_keys_bucket_is_drained_after()
            throws Exception {
        IntegrationGate gate = new IntegrationGate(limits(), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        gate.pace(call, "tenant-7", Long.MAX_VALUE, log);
        assertThat(written).as("the first call took a token of each at once").isEmpty();

        gate.pace(call, "tenant-7", Long.MAX_VALUE, log);

        assertThat(written).containsExactly("RATE jira " + Duration.ofSeconds(1).toNanos());
    }

    @Test
    void should_name_the_keys_rate_when_it_made_the_call_wait() throws Exception {
        IntegrationGate gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder()
                .rate(10, Duration.ofSeconds(1)).perKeyRate(1, Duration.ofSeconds(5)).build()), 0, ticker, sleeper);
        PlannedCall call = jiraCall();
        gate.pace(call, "tenant-7", Long.MAX_VALUE, log);
        gate.pace(call, "tenant-7", Long.MAX_VALUE, log);

        assertThat(written).containsExactly("RATE jira per key 'tenant-7' " + Duration.ofSeconds(5).toNanos());
        assertThat(gate.rateHold(call, "tenant-7")).as("named before a wait, consuming nothing")
                .isEqualTo(new CallGate.RateHold(HeldBy.RATE, "jira per key 'tenant-7'"));
    }

    @Test
    void should_write_the_on_thread_wait_and_the_per_key_name_under_shared_limits_too() throws Exception {
        Map<String, IntegrationLimits> limits = Map.of("jira", IntegrationLimits.builder()
                .perKeyRate(1, Duration.ofSeconds(5)).build());
        SharedGate gate = new SharedGate(new IntegrationGate(limits, 0, ticker, sleeper), limits,
                SharedLimits.inJvm(), ticker);
        PlannedCall call = jiraCall();
        gate.pace(call, "tenant-7", Long.MAX_VALUE, log);

        assertThat(gate.rateHold(call, "tenant-7")).isEqualTo(new CallGate.RateHold(HeldBy.RATE,
                "jira per key 'tenant-7'"));
        gate.pace(call, "tenant-7", Long.MAX_VALUE, log);
        assertThat(written).containsExactly("RATE jira per key 'tenant-7' " + Duration.ofSeconds(5).toNanos());
    }
}
