package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * A turn that closes reads the close's instant first and seals its calls after: a step that lets a call go in
 * between (another turn releasing the lock it waited for) writes down a wait ending after that instant, before the
 * call is sealed. What held the call is still counted only up to its outcome, however the two interleave.
 */
class SealedHoldsTest {

    private static final Planner PLANNER = new Planner(64, Map.of("read", ToolPolicy.read())::get,
            Planner.UnknownTools.REJECT);

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Fake time; the read armed next runs a step at that instant, after taking it, as a racing thread would. */
    private static final class SteppedTicker implements Ticker {
        final AtomicLong now = new AtomicLong(ms(1_000));
        final AtomicReference<Runnable> atNextRead = new AtomicReference<>();

        @Override
        public long read() {
            long at = now.get();
            Runnable step = atNextRead.getAndSet(null);
            if (step != null) {
                step.run();
            }
            return at;
        }
    }

    @Test
    void should_count_a_lock_wait_only_up_to_the_close_when_the_lock_is_granted_while_the_turn_closes() {
        SteppedTicker ticker = new SteppedTicker();
        ResourceLocks locks = new ResourceLocks();
        ReentrantReadWriteLock invocation = new ReentrantReadWriteLock();
        ResourceLocks.Request holder = locks.request(List.of(invocation), new boolean[] {true}, () -> true);
        holder.place(); // another turn's exclusive write holds the invocation lock
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, locks, CallGate.OPEN, ticker, Schedulers.TIMER,
                List.of());
        TurnRun run = scheduler.start(PLANNER.plan(List.of(new CallRequest("call_1", "read", "{}"))),
                (c, a) -> new ToolOutput(TextNode.valueOf("ok"), null),
                new TurnOptions(null, invocation, null, 0, 3, 0, null)); // ready at once, in the lock's line
        ticker.now.addAndGet(ms(100));

        ticker.atNextRead.set(() -> { // the close has taken its instant; the holder lets go 50 ms later, unsealed yet
            ticker.now.addAndGet(ms(50));
            holder.release();
        });
        run.cancel("the caller gave up");

        CallOutcome cancelled = run.outcome(0).join();
        assertThat(cancelled.errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(cancelled.started()).isFalse();
        assertThat(cancelled.readyNanos()).isZero();
        assertThat(cancelled.endNanos()).isEqualTo(ms(100));
        assertThat(cancelled.heldNanos()).as("up to the close, not to the grant after it")
                .containsExactlyEntriesOf(Map.of(HeldBy.INVOCATION_LOCK, ms(100)));
        assertThat(locks.keysInUse()).as("the grant to the closed call was declined and passed on").isZero();
    }

    @Test
    void should_clip_a_wait_written_before_the_seal_that_ends_after_it() {
        CallHolds holds = new CallHolds();
        holds.held(HeldBy.KEY_LOCK, "order:1", 100, 400);
        holds.held(HeldBy.TURN_CAP, null, 400, 500);

        holds.seal(300);

        assertThat(holds.nanos()).containsExactlyEntriesOf(Map.of(HeldBy.KEY_LOCK, 200L));
        assertThat(holds.on()).as("a step that held the call only after the seal is not named")
                .containsExactlyEntriesOf(Map.of(HeldBy.KEY_LOCK, "order:1"));
    }

    @Test
    void should_clip_every_wait_to_the_earliest_seal_and_keep_the_names_of_the_waits_that_count() {
        CallHolds holds = new CallHolds();
        holds.seal(1_000);
        holds.held(HeldBy.KEY_LOCK, "order:1", 100, 200);
        holds.held(HeldBy.KEY_LOCK, "order:2", 900, 1_200);
        holds.held(HeldBy.KEY_LOCK, "order:3", 1_000, 1_100);

        holds.seal(950);
        holds.seal(2_000); // a later seal does not lift an earlier one

        assertThat(holds.nanos()).containsExactlyEntriesOf(Map.of(HeldBy.KEY_LOCK, 150L));
        assertThat(holds.on()).containsExactlyEntriesOf(Map.of(HeldBy.KEY_LOCK, "order:1, order:2"));
    }
}
