package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Shared fixtures for scheduler tests. */
final class Schedulers {

    static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-tools");
        t.setDaemon(true);
        return t;
    });
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    });

    static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "order", ToolPolicy.read("order:{orderId}"),
            "cancel", ToolPolicy.write("order:{orderId}"),
            "slack", ToolPolicy.exclusiveWrite());

    private Schedulers() {}

    static TurnScheduler scheduler(ResourceLocks locks, CallGate gate, List<ContextPropagator> propagators) {
        return new TurnScheduler(POOL, locks, gate, Ticker.system(), TIMER, propagators);
    }

    static TurnScheduler scheduler() {
        return scheduler(new ResourceLocks(), CallGate.OPEN, List.of());
    }

    static Plan plan(CallRequest... calls) {
        return new Planner(64, POLICIES::get, Planner.UnknownTools.BARRIER).plan(List.of(calls));
    }

    static CallRequest call(String id, String name, String arguments) {
        return new CallRequest(id, name, arguments);
    }
}
