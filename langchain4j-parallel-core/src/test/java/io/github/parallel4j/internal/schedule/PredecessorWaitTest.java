package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.OpenPlan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call that waits for both its data and a conflicting write has each wait written down: DATA until its data
 * predecessor finished, CONFLICT for the rest, exactly, on fake time.
 */
class PredecessorWaitTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "cancel", ToolPolicy.write("order:{id}"),
            "order", ToolPolicy.read("order:{id}"));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);

    @Test
    void should_split_the_wait_between_the_data_predecessor_and_the_conflict_that_finished_later()
            throws Exception {
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());
        CountDownLatch dataGo = new CountDownLatch(1);
        CountDownLatch writeGo = new CountDownLatch(1);
        CountDownLatch bothRunning = new CountDownLatch(2);
        TurnRun run = scheduler.start(PLANNER.plan(List.of(new CallRequest("call_1", "read", "{}"),
                new CallRequest("call_2", "cancel", "{\"id\":\"7\"}"),
                new CallRequest("call_3", "order", "{\"id\":\"7\",\"x\":\"$call_1.x\"}"))), (c, a) -> {
                    bothRunning.countDown();
                    if (c.index() < 2) {
                        assertThat((c.index() == 0 ? dataGo : writeGo).await(10, TimeUnit.SECONDS)).isTrue();
                    }
                    return new ToolOutput(new ObjectMapper().readTree("{\"x\":1}"), null);
                }, new TurnOptions(null, null));
        assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();

        timer.advance(Duration.ofMillis(600));
        dataGo.countDown();
        run.outcome(0).get(10, TimeUnit.SECONDS);
        timer.advance(Duration.ofMillis(100));
        writeGo.countDown();
        CallOutcome read = run.outcome(2).get(10, TimeUnit.SECONDS);

        assertThat(read.heldNanos()).isEqualTo(Map.of(
                HeldBy.DATA, TimeUnit.MILLISECONDS.toNanos(600), HeldBy.CONFLICT, TimeUnit.MILLISECONDS.toNanos(100)));
        assertThat(read.heldOn()).isEqualTo(Map.of(HeldBy.DATA, "call_1", HeldBy.CONFLICT, "call_2"));
    }

    @Test
    void should_measure_a_streamed_calls_data_wait_from_its_arrival_not_the_turns_start() throws Exception {
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        OpenPlan plan = PLANNER.open();
        StreamedTurn run = scheduler.open(plan.snapshot(), (c, a) -> {
            if (c.index() == 0) {
                running.countDown();
                assertThat(go.await(10, TimeUnit.SECONDS)).isTrue();
            }
            return new ToolOutput(new ObjectMapper().readTree("{\"x\":1}"), null);
        }, new TurnOptions(null, null), scheduler.capture());
        run.add(plan.add(new CallRequest("call_1", "read", "{}")));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        timer.advance(Duration.ofMillis(200)); // the model still decoding the next call
        run.add(plan.add(new CallRequest("call_2", "read", "{\"x\":\"$call_1.x\"}")));
        run.messageClosed(plan.close(Set.of(), Map.of()));
        run.seal();
        timer.advance(Duration.ofMillis(300));
        go.countDown();
        CallOutcome dependent = run.outcome(1).get(10, TimeUnit.SECONDS);

        assertThat(run.arrivedNanos(1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(dependent.heldNanos()).isEqualTo(Map.of(HeldBy.DATA, TimeUnit.MILLISECONDS.toNanos(300)));
    }

    @Test
    void should_write_down_a_streamed_calls_wait_for_a_name_that_turned_out_to_be_text_until_the_message_closed()
            throws Exception {
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());
        OpenPlan plan = PLANNER.open();
        StreamedTurn run = scheduler.open(plan.snapshot(), (c, a) -> new ToolOutput(
                new ObjectMapper().readTree("{\"x\":1}"), null), new TurnOptions(null, null), scheduler.capture());
        run.add(plan.add(new CallRequest("toolu_1", "read", "{}")));
        timer.advance(Duration.ofMillis(100));
        // Looks like a reference to a call still streaming in: it waits for the message to say.
        run.add(plan.add(new CallRequest("toolu_2", "read", "{\"note\":\"$toolu_99\"}")));
        timer.advance(Duration.ofMillis(250));
        assertThat(run.outcome(1)).as("waits for toolu_99 to arrive").isNotDone();
        run.messageClosed(plan.close(Set.of(), Map.of()));
        run.seal();
        CallOutcome waited = run.outcome(1).get(10, TimeUnit.SECONDS);

        assertThat(waited.ok()).isTrue();
        assertThat(waited.heldNanos()).as("from its arrival until the message closed")
                .isEqualTo(Map.of(HeldBy.DATA, TimeUnit.MILLISECONDS.toNanos(250)));
        assertThat(waited.heldOn()).isEqualTo(Map.of(HeldBy.DATA, "toolu_99 (text)"));
    }

    @Test
    void should_name_a_call_that_had_not_streamed_in_when_the_turn_closed_while_a_call_waited_for_it()
            throws Exception {
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());
        OpenPlan plan = PLANNER.open();
        StreamedTurn run = scheduler.open(plan.snapshot(), (c, a) -> new ToolOutput(
                new ObjectMapper().readTree("{\"x\":1}"), null), new TurnOptions(null, null), scheduler.capture());
        run.add(plan.add(new CallRequest("call_1", "read", "{}")));
        run.add(plan.add(new CallRequest("call_2", "read", "{\"x\":\"$call_5.x\"}")));
        timer.advance(Duration.ofMillis(400));
        run.cancel("the user stopped it");
        CallOutcome waited = run.outcome(1).get(10, TimeUnit.SECONDS);

        assertThat(waited.errorCode()).hasToString("CANCELLED");
        assertThat(waited.heldNanos()).as("from its arrival until the close")
                .isEqualTo(Map.of(HeldBy.DATA, TimeUnit.MILLISECONDS.toNanos(400)));
        assertThat(waited.heldOn()).isEqualTo(Map.of(HeldBy.DATA, "call_5"));
    }
}
