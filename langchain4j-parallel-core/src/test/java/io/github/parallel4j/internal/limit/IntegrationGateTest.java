package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.CallRunner;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.internal.schedule.TurnOptions;
import io.github.parallel4j.internal.schedule.TurnRun;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.support.CallLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IntegrationGateTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "metrics", ToolPolicy.read().withIntegration("datadog"),
            "ticket", ToolPolicy.read().withIntegration("jira"),
            "free", ToolPolicy.read());
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);

    private static TurnScheduler scheduler(Map<String, IntegrationLimits> limits) {
        return new TurnScheduler(Executors.newCachedThreadPool(), new ResourceLocks(), new IntegrationGate(limits),
                Ticker.system(), Executors.newSingleThreadScheduledExecutor(), List.of());
    }

    private static Plan batch(String tool, int n) {
        List<CallRequest> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(new CallRequest("call_" + i, tool, "{}"));
        }
        return PLANNER.plan(calls);
    }

    private static int maxOverlap(List<CallLog.Interval> intervals) {
        int max = 0;
        for (CallLog.Interval a : intervals) {
            int at = 0;
            for (CallLog.Interval b : intervals) {
                if (b.start() <= a.start() && a.start() < b.end()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }

    @Test
    void should_never_run_more_calls_of_an_integration_at_once_than_its_cap_across_turns() throws Exception {
        TurnScheduler scheduler = scheduler(Map.of("datadog", IntegrationLimits.builder().maxConcurrent(3).build()));
        CallLog capped = new CallLog();
        CallLog free = new CallLog();
        CallRunner runner = (call, args) -> (call.name().equals("free") ? free : capped).record(call.name(), call.id(), () -> {
            Thread.sleep(40); // simulated latency
            return new ToolOutput(TextNode.valueOf("ok"), null);
        });

        List<TurnRun> runs = new ArrayList<>();
        for (int turn = 0; turn < 4; turn++) {
            runs.add(scheduler.start(batch("metrics", 3), runner, new TurnOptions(null, null)));
            runs.add(scheduler.start(batch("free", 3), runner, new TurnOptions(null, null)));
        }
        for (TurnRun run : runs) {
            assertThat(run.whenDone().get(30, TimeUnit.SECONDS)).allSatisfy(o -> assertThat(o.ok()).isTrue());
        }

        assertThat(capped.intervals()).hasSize(12);
        assertThat(maxOverlap(capped.intervals())).isEqualTo(3);
        assertThat(maxOverlap(free.intervals())).as("uncapped tools are not held back").isGreaterThan(3);
    }

    @Test
    void should_start_calls_no_faster_than_the_bucket_allows() throws Exception {
        long refillNanos = TimeUnit.MILLISECONDS.toNanos(100);
        TurnScheduler scheduler = scheduler(Map.of("jira",
                IntegrationLimits.builder().rate(4, Duration.ofMillis(400)).build()));
        CallLog log = new CallLog();

        List<CallOutcome> outcomes = scheduler.start(batch("ticket", 10),
                (call, args) -> log.record("ticket", call.id(), () -> new ToolOutput(TextNode.valueOf("ok"), null)),
                new TurnOptions(Duration.ofSeconds(30), null)).whenDone().get(30, TimeUnit.SECONDS);

        assertThat(outcomes).allSatisfy(o -> assertThat(o.ok()).isTrue());
        long[] starts = log.intervals().stream().mapToLong(CallLog.Interval::start).sorted().toArray();
        for (int i = 0; i < starts.length; i++) {
            for (int j = i; j < starts.length; j++) {
                long allowed = 4 + (starts[j] - starts[i]) / refillNanos + 1; // one token of timer slack
                assertThat((long) (j - i + 1)).as("starts %d..%d", i, j).isLessThanOrEqualTo(allowed);
            }
        }
    }

    @Test
    void should_refuse_at_once_a_permit_that_cannot_come_within_the_budget() throws Exception {
        TurnScheduler scheduler = scheduler(Map.of("jira",
                IntegrationLimits.builder().rate(1, Duration.ofSeconds(60)).build()));
        Duration budget = Duration.ofSeconds(5);

        List<CallOutcome> outcomes = scheduler.start(batch("ticket", 2),
                (call, args) -> new ToolOutput(TextNode.valueOf("ok"), null),
                new TurnOptions(budget, null)).whenDone().get(30, TimeUnit.SECONDS);

        assertThat(outcomes).filteredOn(CallOutcome::ok).hasSize(1);
        CallOutcome limited = outcomes.stream().filter(o -> !o.ok()).findFirst().orElseThrow();
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.error()).contains("'jira'");
        assertThat(limited.endNanos()).as("refused long before the budget").isLessThan(budget.toNanos() / 5);
    }

    @Test
    void should_name_an_interval_bandwidth_as_toString_does_when_a_call_is_rate_limited() throws Exception {
        Bandwidth interval = Bandwidth.builder().capacity(1).refillIntervally(1, Duration.ofSeconds(60))
                .initialTokens(0).build();
        IntegrationLimits limits = IntegrationLimits.builder().bandwidth(interval).build();
        TurnScheduler scheduler = scheduler(Map.of("jira", limits));

        CallOutcome limited = scheduler.start(batch("ticket", 1),
                (call, args) -> new ToolOutput(TextNode.valueOf("ok"), null),
                new TurnOptions(Duration.ofSeconds(5), null)).whenDone().get(30, TimeUnit.SECONDS).get(0);

        String words = "1 per PT1M, refilled all at once each period, starts with 0";
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.error()).contains("'jira' is rate limited (" + words + ")");
        assertThat(limits.toString()).contains("rates=[" + words + "]");
    }

    @Test
    void should_give_up_waiting_for_a_slot_when_the_budget_runs_out() throws Exception {
        TurnScheduler scheduler = scheduler(Map.of("datadog", IntegrationLimits.builder().maxConcurrent(1).build()));
        CountDownLatch release = new CountDownLatch(1);

        TurnRun run = scheduler.start(batch("metrics", 2), (call, args) -> {
            release.await();
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, new TurnOptions(Duration.ofMillis(200), null));
        List<CallOutcome> outcomes = run.whenDone().get(30, TimeUnit.SECONDS);
        release.countDown();

        assertThat(outcomes).extracting(CallOutcome::errorCode).containsOnly(ErrorCode.BUDGET_EXCEEDED);
    }
}
