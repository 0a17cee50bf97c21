package io.github.parallel4j.observe;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.policy.ResourceKey;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.schedule.CallOutcome;
import java.util.List;
import java.util.UUID;

/**
 * Internal: not part of the public API. Turns the stages' own view of a finished turn (its {@link Plan} and
 * {@link CallOutcome}s) into the public {@link TurnReport}, so that users read reports without seeing the planner's
 * and the scheduler's types, which stay free to change.
 */
public final class TurnReports {

    private TurnReports() {}

    /**
     * @param invocationId the AI service invocation, or null when unknown
     * @param plan the turn's plan
     * @param outcomes one per call of the plan, in its order
     * @return the report
     */
    public static TurnReport of(UUID invocationId, Plan plan, List<CallOutcome> outcomes) {
        return new TurnReport(invocationId, outcomes.stream().map(TurnReports::call).toList(), plan.waveCount(),
                outcomes.stream().mapToLong(CallOutcome::endNanos).max().orElse(0));
    }

    /**
     * @param outcome how a call ended
     * @return its report
     */
    static CallReport call(CallOutcome outcome) {
        PlannedCall call = outcome.call();
        ToolPolicy policy = call.policy();
        // A call with no policy is one the library does not run: an exclusive barrier in its turn.
        boolean exclusive = policy == null ? call.kind() == PlannedCall.Kind.EXTERNAL : policy.isExclusive();
        // Arguments nobody could read have no thrown cause of their own: the reader's exception is theirs.
        Throwable cause = outcome.cause() != null || outcome.ok() ? outcome.cause()
                : call.argumentsFailure().orElse(null);
        return new CallReport(call.id(), call.providerId(), call.name(), call.rawArguments(),
                policy == null ? null : policy.integration().orElse(null),
                call.keys().stream().map(ResourceKey::text).toList(), exclusive, call.wave(), outcome.ok(),
                outcome.errorCode(), outcome.error(), cause, outcome.attempts(), outcome.cached(),
                outcome.readyNanos(), outcome.startNanos(), outcome.endNanos());
    }
}
