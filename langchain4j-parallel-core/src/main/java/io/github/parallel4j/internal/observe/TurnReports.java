package io.github.parallel4j.internal.observe;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.ResourceKey;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.UUID;
import java.util.function.IntToLongFunction;

/**
 * Internal: not part of the public API. Turns the stages' own view of a turn (its {@link Plan} and
 * {@link CallOutcome}s) into the public records, {@link TurnObserver.Turn} when it starts and {@link TurnReport}
 * when it ends, so that users read turns without seeing the planner's and the scheduler's types, which stay free to
 * change.
 */
@Internal
public final class TurnReports {

    private TurnReports() {}

    /**
     * @param invocationId the AI service invocation, or null when unknown
     * @param plan the turn's plan
     * @return the turn as observers see it start
     */
    public static TurnObserver.Turn started(UUID invocationId, Plan plan) {
        return new TurnObserver.Turn(invocationId, plan.calls().stream().map(TurnReports::planned).toList(),
                plan.waveCount());
    }

    /**
     * @param call a planned call
     * @return the call as observers see it
     */
    public static TurnObserver.Call planned(PlannedCall call) {
        return new TurnObserver.Call(call.id(), call.name(), integration(call), keys(call), exclusive(call),
                call.wave());
    }

    /**
     * @param invocationId the AI service invocation, or null when unknown
     * @param plan the turn's plan
     * @param outcomes one per call of the plan, in its order
     * @return the report
     */
    public static TurnReport of(UUID invocationId, Plan plan, List<CallOutcome> outcomes) {
        return of(invocationId, plan, outcomes, index -> 0);
    }

    /**
     * @param invocationId the AI service invocation, or null when unknown
     * @param plan the turn's plan
     * @param outcomes one per call of the plan, in the order to report them
     * @param arrivals when each call (by its index in the plan) reached the turn, on the turn's clock
     * @return the report
     */
    public static TurnReport of(UUID invocationId, Plan plan, List<CallOutcome> outcomes, IntToLongFunction arrivals) {
        return new TurnReport(invocationId, outcomes.stream()
                .map(outcome -> call(plan, outcome, arrivals.applyAsLong(outcome.call().index()))).toList(),
                plan.waveCount(), outcomes.stream().mapToLong(CallOutcome::endNanos).max().orElse(0));
    }

    /**
     * @param plan the turn's plan
     * @param outcome how one of its calls ended
     * @param arrived when the call reached the turn, on its clock
     * @return its report
     */
    static CallReport call(Plan plan, CallOutcome outcome, long arrived) {
        PlannedCall call = outcome.call();
        // Arguments nobody could read have no thrown cause of their own: the reader's exception is theirs.
        Throwable cause = outcome.cause() != null || outcome.ok() ? outcome.cause()
                : call.argumentsFailure().orElse(null);
        // A read that shared an identical one's result did not run: the run, its start and attempts are the other's.
        boolean shared = call.duplicateOf() >= 0;
        return new CallReport(call.id(), call.providerId(), call.name(), call.rawArguments(), integration(call),
                keys(call), exclusive(call), call.wave(), outcome.ok(), outcome.errorCode(), outcome.error(), cause,
                shared ? 0 : outcome.attempts(), outcome.cached(),
                shared ? plan.calls().get(call.duplicateOf()).id() : null, outcome.readyNanos(),
                shared ? -1 : outcome.startNanos(), outcome.endNanos(), arrived, outcome.heldNanos(), outcome.heldOn());
    }

    private static String integration(PlannedCall call) {
        ToolPolicy policy = call.policy();
        return policy == null ? null : policy.integration().orElse(null);
    }

    private static List<String> keys(PlannedCall call) {
        return call.keys().stream().map(ResourceKey::text).toList();
    }

    /** A call with no policy is one the library does not run: an exclusive barrier in its turn. */
    private static boolean exclusive(PlannedCall call) {
        ToolPolicy policy = call.policy();
        return policy == null ? call.kind() == PlannedCall.Kind.EXTERNAL : policy.isExclusive();
    }
}
