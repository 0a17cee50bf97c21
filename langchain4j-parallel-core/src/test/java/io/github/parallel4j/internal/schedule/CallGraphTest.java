package io.github.parallel4j.internal.schedule;

import static io.github.parallel4j.internal.schedule.Schedulers.call;
import static io.github.parallel4j.internal.schedule.Schedulers.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.internal.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallGraphTest {

    @Test
    void should_make_a_call_ready_when_its_last_predecessor_finishes_not_at_a_wave_barrier() {
        // c2 needs c1's output; c3 and c4 write the same order, so c4 runs after c3; c5 depends on nothing
        Plan plan = plan(call("c1", "read", "{}"), call("c2", "read", "{\"x\":\"$c1.id\"}"),
                call("c3", "cancel", "{\"orderId\":\"7\"}"), call("c4", "cancel", "{\"orderId\":\"7\"}"),
                call("c5", "read", "{}"));
        CallGraph graph = new CallGraph(plan);

        assertThat(graph.roots()).containsExactly(0, 2, 4);
        List<Integer> ready = new ArrayList<>();
        graph.finished(2, ready);
        assertThat(ready).containsExactly(3);
        graph.finished(0, ready);
        assertThat(ready).containsExactly(3, 1);
        assertThat(graph.pending(1)).isZero();
    }

    @Test
    void should_wait_for_the_caller_to_pass_an_external_call_once() {
        Plan plan = plan(call("c1", "read", "{}"), call("c2", "unknownTool", "{}"), call("c3", "read", "{}"));
        CallGraph graph = new CallGraph(plan);

        assertThat(graph.roots()).containsExactly(0);
        List<Integer> ready = new ArrayList<>();
        graph.finished(0, ready);
        assertThat(ready).as("the external call still waits for the caller").isEmpty();
        assertThat(graph.pass(0)).as("not an external call").isFalse();
        assertThat(graph.pass(1)).isTrue();
        assertThat(graph.pass(1)).as("passed twice").isFalse();
        graph.finished(1, ready);
        assertThat(ready).containsExactly(2);
    }

    @Test
    void should_wake_a_call_waiting_for_a_later_one_that_finished_before_it_was_linked() {
        // call_1 runs; call_2 waits for call_3 to arrive; call_3 waits for call_1. call_1 finishes (and call_3 at once,
        // say DEPENDENCY_FAILED) on another thread between call_3's add and its link to call_2.
        CallGraph graph = new CallGraph(plan());
        assertThat(graph.add(0, new int[0], 0)).isTrue();
        assertThat(graph.add(1, new int[0], 1)).isFalse();
        assertThat(graph.add(2, new int[] {0}, 0)).isFalse();
        List<Integer> ready = new ArrayList<>();
        graph.finished(0, ready);
        assertThat(ready).containsExactly(2);
        graph.finished(2, ready);

        boolean woke = graph.link(2, 1);

        assertThat(graph.pending(1)).as("call_2 no longer waits for a call that finished").isZero();
        assertThat(woke).as("call_2 is ready").isTrue();
    }
}
