package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.IntegrationGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A call waiting for a resource-key lock or a rate permit is an entry in a queue: it holds no tool thread and no
 * JVM-wide slot, so an unrelated call runs while many wait behind an abandoned write.
 */
class WaitingHoldsNothingTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "debit", ToolPolicy.write("acct:{id}"),
            "balance", ToolPolicy.read("acct:{id}"),
            "weather", ToolPolicy.read(),
            "ticket", ToolPolicy.read().withIntegration("jira"));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);

    private static Plan plan(String tool, String arguments) {
        return PLANNER.plan(List.of(new CallRequest("call_1", tool, arguments)));
    }

    private static TurnOptions budget(Duration budget) {
        return new TurnOptions(budget, null);
    }

    /** A write that ignores the budget's interrupt and keeps {@code acct:hot} until the test lets it go. */
    private static final class StuckWrite {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        ToolOutput run() {
            running.countDown();
            while (true) {
                try {
                    release.await();
                    return new ToolOutput(TextNode.valueOf("debited"), null);
                } catch (InterruptedException ignored) {
                    // ignores the interrupt on purpose: the call is abandoned and keeps its lock
                }
            }
        }
    }

    /** How the write's turn abandons it once it runs: it is cancelled, or its budget runs out. */
    private record Abandon(Duration budget, java.util.function.Consumer<TurnRun> now, ErrorCode code) {
        static final Abandon CANCEL = new Abandon(null, run -> run.cancel("the caller gave up"), ErrorCode.CANCELLED);

        /** The budget on fake time: it runs out when the test advances the clock, never before the write runs. */
        static Abandon budget(FakeTimer timer) {
            return new Abandon(Duration.ofMillis(100), run -> timer.advance(Duration.ofMillis(100)),
                    ErrorCode.BUDGET_EXCEEDED);
        }
    }

    private static void should_run_an_unrelated_read_while_readers_wait_behind_an_abandoned_write(
            TurnScheduler scheduler, int waiters) throws Exception {
        should_run_an_unrelated_read_while_readers_wait_behind_an_abandoned_write(scheduler, waiters, Abandon.CANCEL);
    }

    private static void should_run_an_unrelated_read_while_readers_wait_behind_an_abandoned_write(
            TurnScheduler scheduler, int waiters, Abandon abandon) throws Exception {
        StuckWrite write = new StuckWrite();
        TurnRun writing = scheduler.start(plan("debit", "{\"id\":\"hot\"}"), (c, a) -> write.run(),
                budget(abandon.budget()));
        assertThat(write.running.await(10, TimeUnit.SECONDS)).isTrue();
        abandon.now().accept(writing); // once the write runs: a real budget could run out before it got a thread
        assertThat(writing.whenDone().get(10, TimeUnit.SECONDS).get(0).errorCode()).isEqualTo(abandon.code());

        AtomicInteger readsRan = new AtomicInteger();
        List<TurnRun> readers = new ArrayList<>();
        for (int k = 0; k < waiters; k++) {
            readers.add(scheduler.start(plan("balance", "{\"id\":\"hot\"}"), (c, a) -> {
                readsRan.incrementAndGet();
                return new ToolOutput(TextNode.valueOf("42"), null);
            }, budget(null)));
        }
        try {
            TurnRun unrelated = scheduler.start(plan("weather", "{}"),
                    (c, a) -> new ToolOutput(TextNode.valueOf("sunny"), null), budget(null));

            assertThat(unrelated.whenDone().get(10, TimeUnit.SECONDS).get(0).ok())
                    .as("the unrelated read ran while %d readers waited for the abandoned write's key", waiters)
                    .isTrue();
            assertThat(readsRan).as("no read of acct:hot overlapped the write").hasValue(0);
        } finally {
            write.release.countDown();
        }
        for (TurnRun reader : readers) {
            assertThat(reader.whenDone().get(10, TimeUnit.SECONDS).get(0).ok()).isTrue();
        }
        assertThat(scheduler.locks().keysInUse()).isZero();
    }

    @Test
    void should_not_hold_a_jvm_wide_slot_while_waiting_for_a_key() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            IntegrationGate gate = new IntegrationGate(Map.of(), 8, Ticker.system(), IntegrationGate.Sleeper.parking());
            TurnScheduler scheduler = new TurnScheduler(pool, new ResourceLocks(), gate, Ticker.system(),
                    Schedulers.TIMER, List.of());
            should_run_an_unrelated_read_while_readers_wait_behind_an_abandoned_write(scheduler, 8);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_keep_the_key_of_a_write_its_budget_abandoned_and_run_an_unrelated_read() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            FakeTimer timer = new FakeTimer();
            TurnScheduler scheduler = new TurnScheduler(pool, new ResourceLocks(), CallGate.OPEN, timer.ticker(),
                    timer, List.of());
            should_run_an_unrelated_read_while_readers_wait_behind_an_abandoned_write(scheduler, 8,
                    Abandon.budget(timer));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_not_hold_a_thread_while_waiting_for_a_key() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8); // a bounded pool: one held thread per waiter would starve it
        try {
            TurnScheduler scheduler = new TurnScheduler(pool, new ResourceLocks(), CallGate.OPEN, Ticker.system(),
                    Schedulers.TIMER, List.of());
            should_run_an_unrelated_read_while_readers_wait_behind_an_abandoned_write(scheduler, 80);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_not_hold_a_jvm_wide_slot_while_waiting_for_a_rate_permit() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            // One permit per minute and one JVM-wide slot: the second Jira call waits a minute for its permit.
            IntegrationGate gate = new IntegrationGate(
                    Map.of("jira", IntegrationLimits.builder().rate(1, Duration.ofMinutes(1)).build()), 1,
                    Ticker.system(), IntegrationGate.Sleeper.parking());
            TurnScheduler scheduler = new TurnScheduler(pool, new ResourceLocks(), gate, Ticker.system(),
                    Schedulers.TIMER, List.of());
            CallRunner ok = (c, a) -> new ToolOutput(TextNode.valueOf("ok"), null);
            assertThat(scheduler.start(plan("ticket", "{}"), ok, budget(null)).whenDone().get(10, TimeUnit.SECONDS)
                    .get(0).ok()).isTrue();
            AtomicInteger secondRan = new AtomicInteger();
            TurnRun waiting = scheduler.start(plan("ticket", "{}"), (c, a) -> {
                secondRan.incrementAndGet();
                return ok.run(c, a);
            }, budget(Duration.ofSeconds(90)));

            TurnRun unrelated = scheduler.start(plan("weather", "{}"), ok, budget(null));

            assertThat(unrelated.whenDone().get(10, TimeUnit.SECONDS).get(0).ok())
                    .as("the unrelated call got the only slot while the Jira call waited for its permit").isTrue();
            assertThat(secondRan).hasValue(0);
            waiting.cancel("test over");
            assertThat(waiting.whenDone().get(10, TimeUnit.SECONDS).get(0).errorCode()).isEqualTo(ErrorCode.CANCELLED);
            long next = gate.estimate(plan("ticket", "{}").calls().get(0), null, Long.MAX_VALUE);
            assertThat(next).as("the cancelled call spent no permit: the next waits one interval, not two")
                    .isLessThanOrEqualTo(Duration.ofMinutes(1).toNanos());
        } finally {
            pool.shutdownNow();
        }
    }
}
