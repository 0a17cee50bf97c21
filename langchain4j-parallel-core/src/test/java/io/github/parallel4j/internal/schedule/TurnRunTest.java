package io.github.parallel4j.internal.schedule;

import static io.github.parallel4j.internal.schedule.Schedulers.call;
import static io.github.parallel4j.internal.schedule.Schedulers.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TurnRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TurnOptions NO_BUDGET = new TurnOptions(null, null);

    private static ToolOutput json(String text) throws Exception {
        return new ToolOutput(JSON.readTree(text), null);
    }

    /** A tool that respects interruption: it waits forever and reports the interrupt it gets. */
    private static ToolOutput blockUntilInterrupted(CountDownLatch sawInterrupt) throws InterruptedException {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            sawInterrupt.countDown();
            throw e;
        }
        throw new AssertionError("unreachable");
    }

    /**
     * Checks when the turn answered, as the library's own clock recorded it (the outcomes' end, from the turn's
     * start), against its budget, and says by how much in the message whether it passes or not.
     */
    /** A scheduler on fake time: a budget runs out exactly when the test moves the clock past it. */
    private static TurnScheduler onFakeTime(FakeTimer timer) {
        return new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN, timer.ticker(), timer, List.of());
    }

    /** Every call was answered at the very moment its budget ran out, not when a tool let go. */
    static void assertAnsweredAtBudget(List<CallOutcome> outcomes, Duration budget) {
        assertThat(outcomes).extracting(CallOutcome::endNanos).as("answered when the %d ms budget ran out",
                budget.toMillis()).containsOnly(budget.toNanos());
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }

    @Test
    void should_start_a_call_as_soon_as_its_own_predecessor_is_done_not_when_its_wave_is() throws Exception {
        CountDownLatch releaseSlow = new CountDownLatch(1);
        CountDownLatch dependentRan = new CountDownLatch(1);
        Plan plan = plan(
                call("slow", "read", "{}"),
                call("fast", "read", "{}"),
                call("next", "read", "{\"x\":\"$fast.v\"}"));

        TurnRun run = Schedulers.scheduler().start(plan, (call, args) -> {
            switch (call.id()) {
                case "slow" -> await(releaseSlow);
                case "next" -> {
                    assertThat(args.get("x").asInt()).isEqualTo(7);
                    dependentRan.countDown();
                }
                default -> {}
            }
            return json("{\"v\":7}");
        }, NO_BUDGET);

        await(dependentRan); // it ran while the first wave's slow call was still running
        assertThat(run.outcome(0)).isNotDone();
        releaseSlow.countDown();
        assertThat(run.whenDone().get(10, TimeUnit.SECONDS)).allSatisfy(o -> assertThat(o.ok()).isTrue());
        assertThat(plan.calls().get(2).wave()).isEqualTo(2);
    }

    @Test
    void should_not_run_a_dependent_of_a_failed_call_but_run_a_call_that_only_follows_it() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Plan plan = plan(
                call("call_1", "cancel", "{\"orderId\":\"1\"}"),
                call("call_2", "read", "{\"x\":\"$call_1.v\"}"),
                call("call_3", "order", "{\"orderId\":\"1\"}"));

        List<CallOutcome> outcomes = Schedulers.scheduler().start(plan, (call, args) -> {
            ran.incrementAndGet();
            if (call.id().equals("call_1")) {
                throw new IllegalStateException("payment service down");
            }
            return json("{}");
        }, NO_BUDGET).whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes.get(0).errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(outcomes.get(0).error()).isEqualTo("payment service down");
        assertThat(outcomes.get(1).errorCode()).isEqualTo(ErrorCode.DEPENDENCY_FAILED);
        assertThat(outcomes.get(1).error()).contains("call_1 (cancel)").contains("TOOL_ERROR");
        assertThat(outcomes.get(1).started()).isFalse();
        assertThat(outcomes.get(2).ok()).isTrue();
        assertThat(ran.get()).isEqualTo(2);
    }

    @Test
    void should_report_a_path_the_output_does_not_have_naming_its_fields() throws Exception {
        Plan plan = plan(call("call_1", "read", "{}"), call("call_2", "read", "{\"x\":\"$call_1.orderId\"}"));

        List<CallOutcome> outcomes = Schedulers.scheduler()
                .start(plan, (call, args) -> json("{\"order_id\":1,\"status\":\"open\"}"), NO_BUDGET)
                .whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes.get(1).errorCode()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
        assertThat(outcomes.get(1).error()).contains("$call_1.orderId").contains("order_id, status");
    }

    @Test
    void should_give_rejected_calls_their_outcome_and_run_the_rest() throws Exception {
        Plan plan = plan(call("a", "cancel", "{}"), call("b", "read", "{\"x\":"), call("c", "read", "{}"));

        List<CallOutcome> outcomes = Schedulers.scheduler().start(plan, (call, args) -> json("1"), NO_BUDGET)
                .whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes).extracting(CallOutcome::errorCode)
                .containsExactly(ErrorCode.INVALID_ARGUMENTS, ErrorCode.INVALID_ARGUMENTS, null);
    }

    @Test
    void should_return_on_budget_while_a_tool_ignores_the_interrupt_and_start_nothing_after() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch exited = new CountDownLatch(1);
        AtomicBoolean laterRan = new AtomicBoolean();
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = onFakeTime(timer);
        Plan plan = plan(call("stuck", "cancel", "{\"orderId\":\"1\"}"), call("later", "order", "{\"orderId\":\"1\"}"));

        TurnRun run = scheduler.start(plan, (call, args) -> {
            if (call.id().equals("later")) {
                laterRan.set(true);
                return json("{}");
            }
            running.countDown();
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException ignored) {
                    // a tool that ignores interruption
                }
            }
            exited.countDown();
            return json("{}");
        }, new TurnOptions(Duration.ofMillis(200), null));

        await(running);
        timer.advance(Duration.ofMillis(200));
        List<CallOutcome> outcomes = run.whenDone().get(10, TimeUnit.SECONDS);

        assertThat(release.getCount()).as("the tool is still blocked").isEqualTo(1);
        assertAnsweredAtBudget(outcomes, Duration.ofMillis(200));
        assertThat(outcomes.get(0).errorCode()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(outcomes.get(0).error()).contains("200 ms").contains("while the call was running");
        assertThat(outcomes.get(1).errorCode()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(outcomes.get(1).error()).contains("did not run");
        assertThat(scheduler.abandonedCalls()).isEqualTo(1);

        release.countDown();
        await(exited);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.abandonedCalls() == 0);
        assertThat(scheduler.abandonedCalls()).isZero();
        assertThat(laterRan).isFalse();
    }

    @Test
    void should_interrupt_a_running_tool_when_the_budget_runs_out() throws Exception {
        CountDownLatch sawInterrupt = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        FakeTimer timer = new FakeTimer();
        Plan plan = plan(call("a", "read", "{}"));

        TurnRun run = onFakeTime(timer).start(plan, (call, args) -> {
            running.countDown();
            return blockUntilInterrupted(sawInterrupt);
        }, new TurnOptions(Duration.ofMillis(100), null));
        await(running);
        timer.advance(Duration.ofMillis(100));
        CallOutcome outcome = run.outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertAnsweredAtBudget(List.of(outcome), Duration.ofMillis(100));
        await(sawInterrupt);
    }

    @Test
    void should_cancel_running_and_pending_calls() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch sawInterrupt = new CountDownLatch(1);
        Plan plan = plan(call("a", "read", "{}"), call("b", "read", "{\"x\":\"$a.v\"}"));

        TurnRun run = Schedulers.scheduler().start(plan, (call, args) -> {
            running.countDown();
            return blockUntilInterrupted(sawInterrupt);
        }, NO_BUDGET);
        await(running);
        run.cancel("the user went away");

        List<CallOutcome> outcomes = run.whenDone().get(10, TimeUnit.SECONDS);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.errorCode()).isEqualTo(ErrorCode.CANCELLED));
        assertThat(outcomes.get(0).error()).startsWith("the user went away while the call was running");
        await(sawInterrupt);
    }

    @Test
    void should_keep_writes_to_one_key_apart_across_separate_turns() throws Exception {
        TurnScheduler scheduler = Schedulers.scheduler();
        CallLog log = new CallLog();
        CallRunner runner = (call, args) -> log.record(call.name(), call.id(), () -> {
            Thread.sleep(50); // simulated work
            return json("{}");
        });
        Plan write = plan(call("w", "cancel", "{\"orderId\":\"1\"}"));
        Plan read = plan(call("r", "order", "{\"orderId\":\"1\"}"));

        List<TurnRun> runs = List.of(
                scheduler.start(write, runner, NO_BUDGET),
                scheduler.start(read, runner, NO_BUDGET),
                scheduler.start(write, runner, NO_BUDGET),
                scheduler.start(read, runner, NO_BUDGET));
        for (TurnRun run : runs) {
            run.whenDone().get(10, TimeUnit.SECONDS);
        }

        List<CallLog.Interval> intervals = log.intervals();
        for (CallLog.Interval a : intervals) {
            for (CallLog.Interval b : intervals) {
                if (a != b && (a.name().equals("cancel") || b.name().equals("cancel"))) {
                    assertThat(a.overlaps(b)).as("%s overlaps %s", a, b).isFalse();
                }
            }
        }
    }

    @Test
    void should_hold_calls_after_an_external_barrier_until_it_is_released() throws Exception {
        Plan plan = plan(call("a", "read", "{}"), call("b", "mystery", "{}"), call("c", "read", "{}"));

        TurnRun run = Schedulers.scheduler().start(plan, (call, args) -> json("{}"), NO_BUDGET);
        run.outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(run.outcome(2)).isNotDone();
        run.release(1);
        assertThat(run.outcome(2).get(10, TimeUnit.SECONDS).ok()).isTrue();
    }

    @Test
    void should_carry_captured_context_to_tool_threads_and_clean_up_after() throws Exception {
        ContextPropagator mdc = () -> {
            Map<String, String> captured = MDC.getCopyOfContextMap();
            return () -> {
                MDC.setContextMap(captured);
                return MDC::clear;
            };
        };
        TurnScheduler scheduler = Schedulers.scheduler(new ResourceLocks(), CallGate.OPEN, List.of(mdc));
        Map<String, String> seen = new ConcurrentHashMap<>();
        MDC.put("trace", "t-1");
        try {
            scheduler.start(plan(call("a", "read", "{}"), call("b", "read", "{\"x\":\"$a\"}")), (call, args) -> {
                seen.put(call.id(), String.valueOf(MDC.get("trace")));
                return new ToolOutput(TextNode.valueOf("v"), null);
            }, NO_BUDGET).whenDone().get(10, TimeUnit.SECONDS);
        } finally {
            MDC.clear();
        }
        assertThat(seen).containsEntry("a", "t-1").containsEntry("b", "t-1");
        assertThat(Schedulers.POOL.submit(() -> MDC.get("trace")).get()).isNull();
    }
}
