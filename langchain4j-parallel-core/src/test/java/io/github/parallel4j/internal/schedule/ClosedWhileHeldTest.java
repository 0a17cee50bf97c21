package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.IntegrationGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A call its turn closes while it waits still reports what held it, up to the close, exactly, on fake time: its
 * predecessor (never ready), the pause or backoff it waited out on the timer (whose task is cancelled), its rate.
 */
class ClosedWhileHeldTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "cancel", ToolPolicy.write("order:{id}"),
            "order", ToolPolicy.read("order:{id}"),
            "ticket", ToolPolicy.read().withIntegration("jira"),
            "flaky", ToolPolicy.read().withFailurePolicy(
                    FailurePolicy.retry(2, Duration.ofSeconds(1), Duration.ofSeconds(1))));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);

    private final FakeTimer timer = new FakeTimer();

    private static Plan plan(CallRequest... calls) {
        return PLANNER.plan(List.of(calls));
    }

    private TurnScheduler scheduler(CallGate gate) {
        return new TurnScheduler(Schedulers.POOL, new ResourceLocks(), gate, timer.ticker(), timer, List.of());
    }

    private IntegrationGate gate(IntegrationLimits jira) {
        return new IntegrationGate(Map.of("jira", jira), 0, timer.ticker(), IntegrationGate.Sleeper.parking());
    }

    private static ToolOutput ok() {
        return new ToolOutput(TextNode.valueOf("ok"), null);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** A tool that runs until it is interrupted. */
    private static ToolOutput blockUntilInterrupted(CountDownLatch running) throws InterruptedException {
        running.countDown();
        new CountDownLatch(1).await();
        return ok();
    }

    @Test
    void should_record_the_data_predecessor_up_to_the_budget_when_it_ran_out_before_the_call_was_ready()
            throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        TurnRun run = scheduler(CallGate.OPEN).start(plan(new CallRequest("call_1", "read", "{}"),
                        new CallRequest("call_2", "read", "{\"x\":\"$call_1.x\"}")),
                (c, a) -> c.index() == 0 ? blockUntilInterrupted(running) : ok(),
                new TurnOptions(Duration.ofMillis(200), null));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        timer.advance(Duration.ofMillis(200));

        CallOutcome dependent = run.outcome(1).get(10, TimeUnit.SECONDS);
        assertThat(dependent.errorCode()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(dependent.readyNanos()).as("never ready").isNegative();
        assertThat(dependent.heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.DATA, ms(200)));
        assertThat(dependent.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.DATA, "call_1"));
        assertThat(run.outcome(0).get(10, TimeUnit.SECONDS).heldNanos())
                .as("the running call waited for nothing: nothing was made for it at the close").isSameAs(Map.of());
    }

    @Test
    void should_record_the_backoff_up_to_the_close_and_make_no_attempt_after_it() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        TurnRun run = scheduler(CallGate.OPEN).start(plan(new CallRequest("a", "flaky", "{}")), (c, a) -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("flaky backend");
        }, new TurnOptions(null, null, null, 0, 3, 0, null));
        timer.awaitDue(1, Duration.ofSeconds(1)); // the backoff waits on the timer
        timer.advance(Duration.ofMillis(300));

        run.cancel("a fail-fast sibling failed");
        CallOutcome cancelled = run.outcome(0).get(10, TimeUnit.SECONDS);
        timer.advance(Duration.ofSeconds(5));

        assertThat(cancelled.errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(cancelled.heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.RETRY, ms(300)));
        assertThat(attempts).as("the backoff's task was cancelled").hasValue(1);
    }

    @Test
    void should_record_the_pause_up_to_the_close_when_the_turn_is_cancelled_during_it() throws Exception {
        IntegrationGate gate = gate(IntegrationLimits.builder().build());
        Plan plan = plan(new CallRequest("a", "ticket", "{}"));
        gate.slowDown(plan.calls().get(0), null, Duration.ofSeconds(2), timer.ticker());
        AtomicInteger runs = new AtomicInteger();
        TurnRun run = scheduler(gate).start(plan, (c, a) -> {
            runs.incrementAndGet();
            return ok();
        }, new TurnOptions(null, null));
        timer.awaitDue(1, Duration.ofSeconds(2));
        timer.advance(Duration.ofMillis(400));

        run.cancel("the caller gave up");
        CallOutcome cancelled = run.outcome(0).get(10, TimeUnit.SECONDS);
        timer.advance(Duration.ofSeconds(5));

        assertThat(cancelled.heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.PAUSE, ms(400)));
        assertThat(cancelled.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.PAUSE, "jira"));
        assertThat(runs).hasValue(0);
    }

    @Test
    void should_record_the_rate_up_to_the_close_while_the_call_waits_for_its_permit() throws Exception {
        TurnScheduler scheduler = scheduler(gate(IntegrationLimits.builder().rate(1, Duration.ofSeconds(10)).build()));
        CallOutcome first = scheduler.start(plan(new CallRequest("a", "ticket", "{}")), (c, a) -> ok(),
                new TurnOptions(null, null)).outcome(0).get(10, TimeUnit.SECONDS);
        assertThat(first.heldNanos()).isSameAs(Map.of());
        TurnRun paced = scheduler.start(plan(new CallRequest("b", "ticket", "{}")), (c, a) -> ok(),
                new TurnOptions(null, null));
        timer.awaitDue(1, Duration.ofSeconds(10));
        timer.advance(Duration.ofSeconds(2));

        paced.cancel("the caller gave up");
        CallOutcome cancelled = paced.outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(cancelled.heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.RATE, ms(2000)));
        assertThat(cancelled.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.RATE, "jira"));
    }
}
