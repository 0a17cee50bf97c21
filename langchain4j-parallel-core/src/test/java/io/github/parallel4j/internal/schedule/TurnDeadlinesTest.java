package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Budgets without a timer task per turn: one line per budget, finished turns skipped, lines independent. */
class TurnDeadlinesTest {

    private final TurnDeadlines deadlines = new TurnDeadlines(Schedulers.TIMER);

    @Test
    void should_expire_the_turns_still_running_and_skip_the_finished_ones() throws Exception {
        List<String> expired = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        long budget = TimeUnit.MILLISECONDS.toNanos(30);
        TurnDeadlines.Entry done = deadlines.watch(budget, () -> expired.add("done"));
        deadlines.watch(budget, () -> { expired.add("second"); two.countDown(); });
        deadlines.watch(budget, () -> { expired.add("third"); two.countDown(); });
        done.finished();

        assertThat(two.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(expired).containsExactly("second", "third");
    }

    @Test
    void should_not_hold_a_short_budget_behind_a_long_one() throws Exception {
        CountDownLatch shortOne = new CountDownLatch(1);
        TurnDeadlines.Entry longOne = deadlines.watch(TimeUnit.HOURS.toNanos(1), () -> {});
        deadlines.watch(TimeUnit.MILLISECONDS.toNanos(10), shortOne::countDown);

        assertThat(shortOne.await(10, TimeUnit.SECONDS)).isTrue();
        longOne.finished();
    }

    @Test
    void should_rearm_when_a_turn_joins_a_line_that_emptied() throws Exception {
        long budget = TimeUnit.MILLISECONDS.toNanos(5);
        for (int round = 0; round < 20; round++) {
            CountDownLatch expired = new CountDownLatch(1);
            deadlines.watch(budget, expired::countDown);
            assertThat(expired.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
        }
    }
}
