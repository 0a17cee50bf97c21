package io.github.parallel4j.langchain4j;

import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.plan.PlannedCall;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps each turn's plan, for tests that check what the planner decided (keys, edges, shared reads): the public
 * {@link TurnReport} does not carry the plan.
 */
final class PlanRecorder implements TurnObserver {

    private final List<Plan> plans = new CopyOnWriteArrayList<>();

    @Override
    public TurnScope turnStarted(UUID invocationId, Plan plan) {
        plans.add(plan);
        return new TurnScope() {
            @Override
            public CallScope callStarted(PlannedCall call) {
                return error -> {};
            }

            @Override
            public void turnFinished(TurnReport report) {}
        };
    }

    /** @return the calls of the turn'th turn (from 0) the library planned */
    List<PlannedCall> calls(int turn) {
        return plans.get(turn).calls();
    }
}
