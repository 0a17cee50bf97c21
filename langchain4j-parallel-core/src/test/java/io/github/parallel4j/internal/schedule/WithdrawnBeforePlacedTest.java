package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * A turn that closes after a call's attempt was made but before it asked for its locks withdraws nothing of them
 * (there is nothing yet); the attempt must not leave its request in a lock's line when it asks after all: it takes
 * itself out at once, instead of waiting there, dead, until the lock comes to it.
 */
class WithdrawnBeforePlacedTest {

    private static final Planner PLANNER = new Planner(64, Map.of("read", ToolPolicy.read())::get,
            Planner.UnknownTools.REJECT);

    /** An invocation lock that closes the turn when the second call enters it, as a racing cancel would. */
    private static final class ClosingLock implements ReadWriteLock, InvocationLockHolders {
        final ReentrantReadWriteLock unused = new ReentrantReadWriteLock();
        final AtomicInteger entered = new AtomicInteger();
        final CountDownLatch allLeft = new CountDownLatch(2);
        final AtomicReference<TurnRun> run = new AtomicReference<>();

        @Override
        public void entered() {
            if (entered.incrementAndGet() == 2) {
                run.get().cancel("the caller gave up");
            }
        }

        @Override
        public void left() {
            allLeft.countDown();
        }

        @Override
        public Lock readLock() {
            return unused.readLock();
        }

        @Override
        public Lock writeLock() {
            return unused.writeLock();
        }
    }

    @Test
    void should_take_a_lock_request_out_of_line_when_its_turn_closed_before_it_was_placed() throws Exception {
        ResourceLocks locks = new ResourceLocks();
        ClosingLock invocation = new ClosingLock();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, locks, CallGate.OPEN, Ticker.system(),
                Schedulers.TIMER, List.of());
        TurnRun run = scheduler.start(PLANNER.plan(List.of(new CallRequest("call_1", "read", "{}"),
                        new CallRequest("call_2", "read", "{\"x\":\"$call_1.x\"}"))), (c, a) -> {
                    if (c.index() == 0) {
                        running.countDown();
                        finish.await();
                    }
                    return new ToolOutput(JsonNodeFactory.instance.objectNode().put("x", "ok"), null);
                }, new TurnOptions(null, invocation, null, 0, 3, 0, null));
        invocation.run.set(run);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        ResourceLocks.Request writer = locks.request(List.of(invocation), new boolean[] {true}, () -> true);
        writer.place(); // another invocation's exclusive write, in line behind call_1: call_2 will wait behind it

        finish.countDown(); // call_1 ends; call_2 is ready, its attempt made; the turn closes as it asks for its locks

        assertThat(run.outcome(1).get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(invocation.allLeft.await(10, TimeUnit.SECONDS))
                .as("call_2's request left the line at once, not when the writer lets the lock go").isTrue();
        writer.release();
        assertThat(locks.keysInUse()).isZero();
    }
}
