package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.IntegrationGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.limit.SharedGate;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.FakeTimer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * Each step on a call's way to a thread writes down that it held the call, and only that step: a call is held by
 * exactly one step (a holder that keeps it until the test lets it go, a latch), and its outcome names that step and
 * nothing else; a call that never waited has nothing written down.
 */
class HeldByTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "order", ToolPolicy.read("order:{id}"),
            "cancel", ToolPolicy.write("order:{id}"),
            "slack", ToolPolicy.exclusiveWrite(),
            "ticket", ToolPolicy.read().withIntegration("jira"),
            "flaky", ToolPolicy.read().withFailurePolicy(
                    FailurePolicy.retry(2, Duration.ofMillis(20), Duration.ofMillis(20))));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);
    private static final TurnOptions FREE = new TurnOptions(null, null);

    private static Plan plan(CallRequest... calls) {
        return PLANNER.plan(List.of(calls));
    }

    private static CallRequest call(String id, String tool, String arguments) {
        return new CallRequest(id, tool, arguments);
    }

    private static TurnScheduler scheduler(CallGate gate) {
        return new TurnScheduler(Schedulers.POOL, new ResourceLocks(), gate, Ticker.system(), Schedulers.TIMER,
                List.of());
    }

    private static IntegrationGate gate(Map<String, IntegrationLimits> limits, int maxConcurrentCalls) {
        return new IntegrationGate(limits, maxConcurrentCalls, Ticker.system(), IntegrationGate.Sleeper.parking());
    }

    private static ToolOutput ok() {
        return new ToolOutput(TextNode.valueOf("ok"), null);
    }

    /** A tool that runs until the test lets it go. */
    private static final class Holder implements CallRunner {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public ToolOutput run(io.github.parallel4j.internal.plan.PlannedCall call,
                com.fasterxml.jackson.databind.JsonNode arguments) throws Exception {
            running.countDown();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            return new ToolOutput(new ObjectMapper().readTree("{\"x\":1}"), null);
        }
    }

    private static CallOutcome outcome(TurnRun run, int index) throws Exception {
        return run.outcome(index).get(10, TimeUnit.SECONDS);
    }

    /**
     * Runs {@code waiter} while {@code holder} (started first, with the same scheduler) runs, then lets the holder go.
     *
     * @return the waiter's outcome
     */
    private static CallOutcome heldBehind(TurnScheduler scheduler, Plan holder, TurnOptions holderOptions, Plan waiter,
            TurnOptions waiterOptions) throws Exception {
        Holder running = new Holder();
        TurnRun first = scheduler.start(holder, running, holderOptions);
        assertThat(running.running.await(10, TimeUnit.SECONDS)).isTrue();
        TurnRun second = scheduler.start(waiter, (c, a) -> ok(), waiterOptions); // queued before start returns
        assertThat(second.outcome(0)).as("the waiter is held while the holder runs").isNotDone();
        running.release.countDown();
        assertThat(outcome(first, 0).ok()).isTrue();
        CallOutcome held = outcome(second, 0);
        assertThat(held.ok()).isTrue();
        return held;
    }

    @Test
    void should_record_data_naming_the_call_whose_output_it_references() throws Exception {
        Holder first = new Holder();
        TurnRun run = scheduler(CallGate.OPEN).start(plan(call("call_1", "read", "{}"),
                call("call_2", "read", "{\"x\":\"$call_1.x\"}")), (c, a) -> c.index() == 0 ? first.run(c, a) : ok(),
                FREE);
        assertThat(first.running.await(10, TimeUnit.SECONDS)).isTrue();
        first.release.countDown();

        CallOutcome second = outcome(run, 1);
        assertThat(second.heldNanos()).containsOnlyKeys(HeldBy.DATA);
        assertThat(second.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.DATA, "call_1"));
        assertThat(second.heldNanos().get(HeldBy.DATA)).isLessThanOrEqualTo(second.readyNanos());
        assertThat(outcome(run, 0).heldNanos()).as("the first call waited for nothing").isEmpty();
    }

    @Test
    void should_record_a_conflict_naming_the_write_it_waited_for() throws Exception {
        Holder first = new Holder();
        TurnRun run = scheduler(CallGate.OPEN).start(plan(call("call_1", "cancel", "{\"id\":\"7\"}"),
                call("call_2", "order", "{\"id\":\"7\"}")), (c, a) -> c.index() == 0 ? first.run(c, a) : ok(), FREE);
        assertThat(first.running.await(10, TimeUnit.SECONDS)).isTrue();
        first.release.countDown();

        CallOutcome read = outcome(run, 1);
        assertThat(read.heldNanos()).containsOnlyKeys(HeldBy.CONFLICT);
        assertThat(read.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.CONFLICT, "call_1"));
    }

    @Test
    void should_record_the_key_lock_naming_the_key_when_another_turns_write_holds_it() throws Exception {
        CallOutcome read = heldBehind(scheduler(CallGate.OPEN), plan(call("w", "cancel", "{\"id\":\"7\"}")), FREE,
                plan(call("r", "order", "{\"id\":\"7\"}")), FREE);

        assertThat(read.heldNanos()).containsOnlyKeys(HeldBy.KEY_LOCK);
        assertThat(read.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.KEY_LOCK, "order:7"));
        assertThat(read.heldNanos().get(HeldBy.KEY_LOCK)).isLessThanOrEqualTo(read.startNanos() - read.readyNanos());
    }

    @Test
    void should_record_the_invocation_lock_when_an_exclusive_write_of_the_invocation_holds_it() throws Exception {
        TurnOptions invocation = new TurnOptions(null, new ReentrantReadWriteLock());
        CallOutcome read = heldBehind(scheduler(CallGate.OPEN), plan(call("w", "slack", "{}")), invocation,
                plan(call("r", "read", "{}")), invocation);

        assertThat(read.heldNanos()).containsOnlyKeys(HeldBy.INVOCATION_LOCK);
        assertThat(read.heldOn()).isEmpty();
    }

    @Test
    void should_record_the_turn_cap_when_the_turns_other_call_holds_its_only_slot() throws Exception {
        Holder first = new Holder();
        TurnRun run = scheduler(CallGate.OPEN).start(plan(call("call_1", "read", "{}"), call("call_2", "read", "{}")),
                (c, a) -> c.index() == 0 ? first.run(c, a) : ok(), new TurnOptions(null, null, null, 1, 0, 0, null));
        assertThat(first.running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.outcome(1)).isNotDone();
        first.release.countDown();

        assertThat(outcome(run, 1).heldNanos()).containsOnlyKeys(HeldBy.TURN_CAP);
    }

    @Test
    void should_record_the_integration_cap_naming_the_integration() throws Exception {
        IntegrationGate gate = gate(Map.of("jira", IntegrationLimits.builder().maxConcurrent(1).build()), 0);
        CallOutcome second = heldBehind(scheduler(gate), plan(call("a", "ticket", "{}")), FREE,
                plan(call("b", "ticket", "{}")), FREE);

        assertThat(second.heldNanos()).containsOnlyKeys(HeldBy.INTEGRATION_CAP);
        assertThat(second.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.INTEGRATION_CAP, "jira"));
    }

    @Test
    void should_record_the_jvm_wide_slot_when_max_concurrent_calls_is_reached() throws Exception {
        CallOutcome second = heldBehind(scheduler(gate(Map.of(), 1)), plan(call("a", "read", "{}")), FREE,
                plan(call("b", "read", "{}")), FREE);

        assertThat(second.heldNanos()).containsOnlyKeys(HeldBy.JVM_SLOT);
        assertThat(second.heldOn()).isEmpty();
    }

    @Test
    void should_record_the_shared_limits_when_another_jvm_holds_the_shared_permit() throws Exception {
        Map<String, IntegrationLimits> limits = Map.of("jira", IntegrationLimits.builder().maxConcurrent(1).build());
        SharedLimits inJvm = SharedLimits.inJvm();
        CountDownLatch asks = new CountDownLatch(3); // a's, b's first try (refused), b's ask that waits
        SharedLimits shared = (SharedLimits) Proxy.newProxyInstance(SharedLimits.class.getClassLoader(),
                new Class<?>[] {SharedLimits.class}, (proxy, method, args) -> {
                    if (method.getName().equals("acquire")) {
                        asks.countDown();
                    }
                    try {
                        return method.invoke(inJvm, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        // two "JVMs": each its own in-JVM gate (a free slot each), one shared permit between them
        TurnScheduler first = scheduler(new SharedGate(gate(limits, 0), limits, shared, Ticker.system()));
        TurnScheduler second = scheduler(new SharedGate(gate(limits, 0), limits, shared, Ticker.system()));
        Holder holder = new Holder();
        TurnRun holding = first.start(plan(call("a", "ticket", "{}")), holder, FREE);
        assertThat(holder.running.await(10, TimeUnit.SECONDS)).isTrue();
        TurnRun waiting = second.start(plan(call("b", "ticket", "{}")), (c, a) -> ok(), FREE);
        assertThat(asks.await(10, TimeUnit.SECONDS)).as("b was refused at its first try and waits").isTrue();
        holder.release.countDown();
        assertThat(outcome(holding, 0).ok()).isTrue();
        assertThat(outcome(holding, 0).heldNanos()).as("the holder's round trips are no wait").isSameAs(Map.of());

        CallOutcome held = outcome(waiting, 0);
        assertThat(held.ok()).isTrue();
        assertThat(held.heldNanos()).containsOnlyKeys(HeldBy.SHARED_LIMITS);
        assertThat(held.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.SHARED_LIMITS, "jira"));
    }

    /** A scheduler and a gate on fake time: the timer's waits end exactly when the test advances the clock. */
    private static TurnScheduler onFakeTime(FakeTimer timer, Map<String, IntegrationLimits> limits) {
        IntegrationGate gate = new IntegrationGate(limits, 0, timer.ticker(), IntegrationGate.Sleeper.parking());
        return new TurnScheduler(Schedulers.POOL, new ResourceLocks(), gate, timer.ticker(), timer, List.of());
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void should_record_the_rate_naming_the_integration_and_the_per_key_rate_naming_its_key() throws Exception {
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = onFakeTime(timer,
                Map.of("jira", IntegrationLimits.builder().rate(1, Duration.ofMillis(500)).build()));
        assertThat(outcome(scheduler.start(plan(call("a", "ticket", "{}")), (c, a) -> ok(), FREE), 0).heldNanos())
                .as("the first call took the only permit at once").isEmpty();
        TurnRun paced = scheduler.start(plan(call("b", "ticket", "{}")), (c, a) -> ok(), FREE);
        timer.awaitDue(1, Duration.ofMillis(500));
        timer.advance(Duration.ofMillis(500));
        CallOutcome rated = outcome(paced, 0);
        assertThat(rated.heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.RATE, ms(500)));
        assertThat(rated.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.RATE, "jira"));

        FakeTimer tenantTime = new FakeTimer();
        TurnScheduler tenants = onFakeTime(tenantTime,
                Map.of("jira", IntegrationLimits.builder().perKeyRate(1, Duration.ofMillis(500)).build()));
        TurnOptions tenant = new TurnOptions(null, null, null, 0, 0, 0, "tenant-7");
        outcome(tenants.start(plan(call("a", "ticket", "{}")), (c, a) -> ok(), tenant), 0);
        TurnRun keyed = tenants.start(plan(call("b", "ticket", "{}")), (c, a) -> ok(), tenant);
        tenantTime.awaitDue(1, Duration.ofMillis(500));
        tenantTime.advance(Duration.ofMillis(500));
        assertThat(outcome(keyed, 0).heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.RATE, ms(500)));
        assertThat(outcome(keyed, 0).heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.RATE, "jira per key 'tenant-7'"));
    }

    @Test
    void should_record_the_pause_naming_the_integration_after_an_upstream_429() throws Exception {
        FakeTimer timer = new FakeTimer();
        Map<String, IntegrationLimits> limits = Map.of("jira", IntegrationLimits.builder().build());
        IntegrationGate gate = new IntegrationGate(limits, 0, timer.ticker(), IntegrationGate.Sleeper.parking());
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), gate, timer.ticker(), timer,
                List.of());
        Plan plan = plan(call("a", "ticket", "{}"));
        gate.slowDown(plan.calls().get(0), null, Duration.ofMillis(300), timer.ticker());

        TurnRun run = scheduler.start(plan, (c, a) -> ok(), FREE);
        timer.awaitDue(1, Duration.ofMillis(300));
        timer.advance(Duration.ofMillis(300));
        CallOutcome paused = outcome(run, 0);

        assertThat(paused.heldNanos()).containsExactlyEntriesOf(Map.of(HeldBy.PAUSE, ms(300)));
        assertThat(paused.heldOn()).containsExactlyEntriesOf(Map.of(HeldBy.PAUSE, "jira"));
    }

    @Test
    void should_record_the_backoff_before_a_retry() throws Exception {
        FakeTimer timer = new FakeTimer();
        AtomicInteger attempts = new AtomicInteger();
        TurnRun run = onFakeTime(timer, Map.of()).start(plan(call("a", "flaky", "{}")), (c, a) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("flaky backend");
            }
            return ok();
        }, new TurnOptions(null, null, null, 0, 3, 0, null));
        timer.awaitDue(1, Duration.ofMillis(20));
        timer.advance(Duration.ofMillis(20));
        CallOutcome retried = outcome(run, 0);

        assertThat(retried.ok()).isTrue();
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.heldNanos()).containsOnlyKeys(HeldBy.RETRY);
        // the backoff is jittered between half its ceiling and the ceiling; the timer fired it exactly then
        assertThat(retried.heldNanos().get(HeldBy.RETRY)).isBetween(ms(10), ms(20));
    }

    @Test
    void should_record_nothing_for_calls_that_never_waited_though_they_had_limits_and_keys() throws Exception {
        IntegrationGate gate = gate(Map.of("jira",
                IntegrationLimits.builder().maxConcurrent(4).rate(100, Duration.ofSeconds(1)).build()), 8);
        TurnRun run = scheduler(gate).start(plan(call("a", "ticket", "{}"), call("b", "order", "{\"id\":\"1\"}"),
                call("c", "read", "{}")), (c, a) -> ok(), new TurnOptions(null, new ReentrantReadWriteLock(), null, 8,
                0, 0, null));

        for (int i = 0; i < 3; i++) {
            // the very empty map: nothing was made for a call that never waited (the record of holds is lazy)
            assertThat(outcome(run, i).heldNanos()).as("call %d", i).isSameAs(Map.of());
            assertThat(outcome(run, i).heldOn()).isSameAs(Map.of());
        }
    }

    @Test
    void should_record_the_step_a_call_waited_at_when_its_turn_closed_before_it_started() throws Exception {
        IntegrationGate gate = gate(Map.of("jira", IntegrationLimits.builder().maxConcurrent(1).build()), 0);
        TurnScheduler scheduler = scheduler(gate);
        Holder holder = new Holder();
        TurnRun holding = scheduler.start(plan(call("a", "ticket", "{}")), holder, FREE);
        assertThat(holder.running.await(10, TimeUnit.SECONDS)).isTrue();
        TurnRun waiting = scheduler.start(plan(call("b", "ticket", "{}")), (c, a) -> ok(), FREE);
        try {
            waiting.cancel("the caller gave up");
            CallOutcome cancelled = outcome(waiting, 0);

            assertThat(cancelled.started()).isFalse();
            assertThat(cancelled.heldNanos()).containsOnlyKeys(HeldBy.INTEGRATION_CAP);
            assertThat(cancelled.heldNanos().get(HeldBy.INTEGRATION_CAP)).isLessThanOrEqualTo(cancelled.endNanos());
        } finally {
            holder.release.countDown();
        }
        assertThat(outcome(holding, 0).ok()).isTrue();
    }
}
