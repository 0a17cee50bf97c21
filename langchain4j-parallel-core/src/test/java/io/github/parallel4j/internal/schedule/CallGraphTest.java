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
}
