package io.github.parallel4j.internal.schedule;

import static io.github.parallel4j.internal.schedule.Schedulers.call;
import static io.github.parallel4j.internal.schedule.Schedulers.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A turn's budget on fake time: it runs out exactly when the clock passes it, not a moment before. */
class FakeTimeBudgetTest {

    @Test
    void should_end_the_turn_exactly_when_the_clock_passes_its_budget() throws Exception {
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        TurnRun run = scheduler.start(plan(call("a", "read", "{}")), (c, args) -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return new ToolOutput(TextNode.valueOf("never"), null);
        }, new TurnOptions(Duration.ofMillis(200), null));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        timer.advance(Duration.ofMillis(199));
        assertThat(run.outcome(0)).as("a nanosecond before the budget the call still runs").isNotDone();
        timer.advance(Duration.ofMillis(1));

        CallOutcome outcome = run.outcome(0).get(10, TimeUnit.SECONDS);
        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(outcome.error()).contains("200 ms").contains("while the call was running");
        assertThat(outcome.endNanos()).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the running tool was interrupted").isTrue();
        assertThat(run.whenDone().get(10, TimeUnit.SECONDS)).hasSize(1);
    }
}
