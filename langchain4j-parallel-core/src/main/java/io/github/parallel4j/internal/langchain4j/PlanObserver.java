package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.internal.plan.Plan;

/**
 * Internal: not part of the public API. A {@link TurnObserver} that is also shown each turn's {@link Plan}, right
 * before its {@link #turnStarted}: how the library's own tests check what the planner decided (edges, shared reads,
 * repaired arguments), which the public records do not carry.
 */
interface PlanObserver extends TurnObserver {

    /** @param plan the turn's plan, on the thread running the AI service, before any call is submitted */
    void planned(Plan plan);
}
