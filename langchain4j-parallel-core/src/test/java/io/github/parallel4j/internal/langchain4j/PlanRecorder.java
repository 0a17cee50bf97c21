package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.TurnReport;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps each turn's plan, for tests that check what the planner decided (keys, edges, shared reads): the public
 * {@link TurnReport} does not carry the plan.
 */
final class PlanRecorder implements PlanObserver {

    private final List<Plan> plans = new CopyOnWriteArrayList<>();

    @Override
    public void planned(Plan plan) {
        plans.add(plan);
    }

    @Override
    public TurnScope turnStarted(Turn turn) {
        return null;
    }

    /** @return the calls of the turn'th turn (from 0) the library planned */
    List<PlannedCall> calls(int turn) {
        return plans.get(turn).calls();
    }
}
