package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.internal.schedule.TurnOptions;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

class EmissionOrderTest {

    @RepeatedTest(5)
    void should_admit_waiting_calls_of_a_capped_integration_in_emission_order() throws Exception {
        Map<String, ToolPolicy> policies = Map.of("q", ToolPolicy.read().withIntegration("db"));
        List<CallRequest> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(new CallRequest("call_" + i, "q", "{}"));
        }
        TurnScheduler scheduler = new TurnScheduler(Executors.newCachedThreadPool(), new ResourceLocks(),
                new IntegrationGate(Map.of("db", IntegrationLimits.builder().maxConcurrent(1).build())),
                Ticker.system(), Executors.newSingleThreadScheduledExecutor(), List.of());
        List<String> order = Collections.synchronizedList(new ArrayList<>());

        scheduler.start(new Planner(64, policies::get, Planner.UnknownTools.REJECT).plan(calls), (call, args) -> {
            order.add(call.id());
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, new TurnOptions(null, null)).whenDone().get(10, TimeUnit.SECONDS);

        assertThat(order).containsExactly("call_0", "call_1", "call_2", "call_3", "call_4", "call_5", "call_6", "call_7");
    }
}
