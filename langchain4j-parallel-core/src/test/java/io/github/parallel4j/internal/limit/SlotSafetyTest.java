package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.internal.schedule.TurnOptions;
import io.github.parallel4j.internal.schedule.TurnRun;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Slots are never taken in conflicting orders, never lost by a closed turn, and never held while paused. */
class SlotSafetyTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "plain", ToolPolicy.read(),
            "jira", ToolPolicy.read().withIntegration("jira"),
            "flakyJira", ToolPolicy.read().withIntegration("jira")
                    .withFailurePolicy(FailurePolicy.retry(2, Duration.ofMillis(5), Duration.ofMillis(5))));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);

    private final IntegrationGate gate;
    private final TurnScheduler scheduler;

    SlotSafetyTest() {
        gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder().maxConcurrent(1).build()), 1,
                Ticker.system(), IntegrationGate.Sleeper.parking());
        scheduler = new TurnScheduler(Executors.newCachedThreadPool(), new ResourceLocks(), gate, Ticker.system(),
                Executors.newSingleThreadScheduledExecutor(), List.of());
    }

    private static Plan plan(String... tools) {
        CallRequest[] calls = new CallRequest[tools.length];
        for (int i = 0; i < tools.length; i++) {
            calls[i] = new CallRequest("call_" + i, tools[i], "{}");
        }
        return PLANNER.plan(List.of(calls));
    }

    private static TurnOptions options(Duration budget, int perTurnCap) {
        return new TurnOptions(budget, null, null, perTurnCap, 10, 3, null);
    }

    @Test
    void should_not_deadlock_when_calls_with_and_without_an_integration_share_turn_and_jvm_caps() throws Exception {
        CountDownLatch blockerRunning = new CountDownLatch(1);
        CountDownLatch releaseBlocker = new CountDownLatch(1);
        TurnRun blocker = scheduler.start(plan("plain"), (call, args) -> {
            blockerRunning.countDown();
            releaseBlocker.await();
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(null, 0));
        assertThat(blockerRunning.await(10, TimeUnit.SECONDS)).isTrue();

        // A plain call, then a Jira call, while another turn holds the only JVM-wide slot.
        TurnRun run = scheduler.start(plan("plain", "jira"),
                (call, args) -> new ToolOutput(TextNode.valueOf("ok"), null), options(Duration.ofSeconds(10), 1));
        releaseBlocker.countDown();

        assertThat(blocker.whenDone().get(10, TimeUnit.SECONDS)).allSatisfy(o -> assertThat(o.ok()).isTrue());
        assertThat(run.whenDone().get(10, TimeUnit.SECONDS)).allSatisfy(o -> assertThat(o.ok()).isTrue());
        assertThat(gate.inFlight("jira")).isZero();
    }

    @Test
    void should_free_the_slots_of_calls_that_were_waiting_when_their_turn_closed() throws Exception {
        CountDownLatch stuckRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The JVM-wide cap (1) is held by a stuck call; the Jira call takes the Jira slot and waits for it.
        TurnRun run = scheduler.start(plan("plain", "jira"), (call, args) -> {
            if (call.name().equals("plain")) {
                stuckRunning.countDown();
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // a tool that ignores the interrupt keeps its own slots, and only those
                    }
                }
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(Duration.ofMillis(300), 0));
        assertThat(stuckRunning.await(10, TimeUnit.SECONDS)).isTrue();

        List<CallOutcome> outcomes = run.whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes).extracting(CallOutcome::errorCode).containsOnly(ErrorCode.BUDGET_EXCEEDED);
        assertThat(gate.inFlight("jira")).as("the closed turn's waiting call gave its Jira slot back").isZero();
        assertThat(gate.waiting("jira")).isZero();
        release.countDown();
    }

    @Test
    void should_hold_no_slot_while_the_integration_is_paused_after_a_429() throws Exception {
        // On fake time: the pause lasts until the test advances the clock, however long the plain call takes.
        FakeTimer timer = new FakeTimer();
        IntegrationGate gate = new IntegrationGate(Map.of("jira", IntegrationLimits.builder().maxConcurrent(1).build()),
                1, timer.ticker(), IntegrationGate.Sleeper.parking());
        TurnScheduler scheduler = new TurnScheduler(Executors.newCachedThreadPool(), new ResourceLocks(), gate,
                timer.ticker(), timer, List.of());
        AtomicInteger jiraCalls = new AtomicInteger();
        CountDownLatch refused = new CountDownLatch(1);
        TurnRun first = scheduler.start(plan("jira"), (call, args) -> {
            if (jiraCalls.incrementAndGet() == 1) {
                refused.countDown();
                throw new RateLimitedException("429", Duration.ofMillis(400));
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(Duration.ofSeconds(10), 0));
        assertThat(refused.await(10, TimeUnit.SECONDS)).isTrue();
        timer.awaitDue(1, Duration.ofMillis(400)); // the refusal has been handled: the rerun waits on the timer

        // While Jira is paused, a plain call gets the only JVM-wide slot at once.
        CallOutcome plain = scheduler.start(plan("plain"), (call, args) -> new ToolOutput(TextNode.valueOf("ok"), null),
                options(Duration.ofSeconds(10), 0)).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(plain.ok()).isTrue();
        assertThat(gate.pauseRemaining("jira")).as("the plain call did not wait for the pause").isPresent();
        timer.advance(Duration.ofMillis(400));
        assertThat(first.outcome(0).get(10, TimeUnit.SECONDS).attempts()).isEqualTo(2);
    }

    @Test
    void should_count_policy_retries_apart_from_reruns_after_a_429() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CallOutcome outcome = scheduler.start(plan("flakyJira"), (call, args) -> {
            int n = calls.incrementAndGet();
            if (n <= 2) {
                throw new RateLimitedException("429", Duration.ofMillis(5));
            }
            if (n == 3) {
                throw new IllegalStateException("flaky");
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(Duration.ofSeconds(10), 0)).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.ok()).as("two 429 re-runs did not use up the retry policy's attempts").isTrue();
        assertThat(outcome.attempts()).isEqualTo(4);
    }
}
