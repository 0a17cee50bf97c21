package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.node.NullNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import java.util.function.IntFunction;

/**
 * What a call that just became ready is answered with when it does not run: the planner rejected it, it is
 * external (the caller runs it), it repeats an earlier identical call, or a call whose output it needs failed.
 * Its predecessors have all finished, so their outcomes are final.
 */
final class Readiness {

    private static final ToolOutput EXTERNAL_PASSED = new ToolOutput(NullNode.getInstance(), "external");

    private Readiness() {}

    /**
     * @param plan the call's plan
     * @param state the ready call
     * @param outcomeOf the outcome of a finished call by index, or null
     * @param now the turn's clock
     * @return its outcome, or null when it is to run
     */
    static CallOutcome answerWithoutRunning(Plan plan, CallState state, IntFunction<CallOutcome> outcomeOf, long now) {
        PlannedCall call = state.call;
        if (call.kind() == Kind.REJECTED) {
            return CallOutcome.failure(call, call.rejection(), call.rejectionMessage(), null, now, -1, now, 0);
        }
        if (call.kind() == Kind.EXTERNAL) {
            return CallOutcome.success(call, EXTERNAL_PASSED, now, -1, now, 0);
        }
        if (call.duplicateOf() >= 0) {
            return outcomeOf.apply(call.duplicateOf()).sharedWith(call); // done: it is a predecessor
        }
        for (int p : call.dataPredecessors()) {
            CallOutcome needed = outcomeOf.apply(p);
            if (needed == null || !needed.ok()) {
                PlannedCall failed = plan.calls().get(p);
                String why = needed == null ? "did not finish" : "failed (" + needed.errorCode() + ")";
                return CallOutcome.failure(call, ErrorCode.DEPENDENCY_FAILED, "this call needs the output of "
                        + failed.id() + " (" + failed.name() + "), which " + why + ", so it did not run", null, now,
                        -1, now, 0);
            }
        }
        return null;
    }
}
