package io.github.parallel4j.internal.schedule;

import static io.github.parallel4j.internal.schedule.Schedulers.call;
import static io.github.parallel4j.internal.schedule.Schedulers.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a {@link ContextPropagator} is promised, and what happens when one breaks its side of the contract. */
class ContextPropagatorContractTest {

    private static final TurnOptions NO_BUDGET = new TurnOptions(null, null);

    /** A propagator written the wrong way: it forgets to say how to put the thread back. */
    private static final class ForgetsToRestore implements ContextPropagator {
        @Override
        public Captured capture() {
            return () -> null;
        }
    }

    /** A propagator written the wrong way: it captures nothing at all. */
    private static final class CapturesNothing implements ContextPropagator {
        @Override
        public Captured capture() {
            return null;
        }
    }

    @Test
    void should_refuse_the_turn_naming_the_propagator_when_capture_returns_null() {
        TurnScheduler scheduler = Schedulers.scheduler(new ResourceLocks(), CallGate.OPEN,
                List.of(new CapturesNothing()));

        assertThatThrownBy(scheduler::capture)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(CapturesNothing.class.getName())
                .hasMessageContaining("returned null from capture()");
    }

    @Test
    void should_fail_the_call_before_its_tool_runs_and_restore_earlier_propagators_when_install_returns_null()
            throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ContextPropagator first = () -> () -> {
            Thread installer = Thread.currentThread();
            events.add("installed");
            return () -> events.add(Thread.currentThread() == installer ? "restored on its thread" : "elsewhere");
        };
        TurnScheduler scheduler = Schedulers.scheduler(new ResourceLocks(), CallGate.OPEN,
                List.of(first, new ForgetsToRestore()));
        AtomicInteger ran = new AtomicInteger();

        CallOutcome outcome = scheduler.start(plan(call("a", "read", "{}")), (c, args) -> {
            ran.incrementAndGet();
            return new ToolOutput(TextNode.valueOf("v"), null);
        }, NO_BUDGET).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(ran).as("the tool did not run").hasValue(0);
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(outcome.error()).contains(ForgetsToRestore.class.getName(), "returned null from Captured.install()");
        assertThat(outcome.cause()).isInstanceOf(IllegalStateException.class);
        assertThat(events).as("the propagator installed before it was restored")
                .containsExactly("installed", "restored on its thread");
    }

    @Test
    void should_capture_once_per_turn_and_install_concurrently_once_per_call_when_calls_run_in_parallel()
            throws Exception {
        AtomicInteger captures = new AtomicInteger();
        AtomicInteger installs = new AtomicInteger();
        Set<Thread> installedOn = ConcurrentHashMap.newKeySet();
        ContextPropagator counting = () -> {
            captures.incrementAndGet();
            return () -> {
                installs.incrementAndGet();
                installedOn.add(Thread.currentThread());
                return () -> {};
            };
        };
        TurnScheduler scheduler = Schedulers.scheduler(new ResourceLocks(), CallGate.OPEN, List.of(counting));
        CountDownLatch allRunning = new CountDownLatch(3);

        List<CallOutcome> outcomes = scheduler.start(
                plan(call("a", "read", "{}"), call("b", "read", "{}"), call("c", "read", "{}")), (c, args) -> {
                    allRunning.countDown();
                    assertThat(allRunning.await(10, TimeUnit.SECONDS)).as("the three calls overlap").isTrue();
                    return new ToolOutput(TextNode.valueOf("v"), null);
                }, NO_BUDGET).whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes).allSatisfy(o -> assertThat(o.ok()).as("%s", o).isTrue());
        assertThat(captures).hasValue(1);
        assertThat(installs).hasValue(3);
        assertThat(installedOn).as("one Captured installed from three tool threads at once").hasSize(3);
    }
}
