package io.github.parallel4j;

import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.plan.PlannedCall;
import java.util.UUID;

/**
 * Follows turns and their calls while they happen: what tracing needs, since a span has to start when its call
 * starts and end when it ends, on the thread that runs the tool (so that the tool's own spans nest under it).
 * For a summary after the fact, {@link TurnListener} is simpler.
 *
 * <p>Every method is called with the library's work in progress: keep them quick. An exception any of them
 * throws is logged and otherwise ignored; the turn is unaffected.
 */
public interface TurnObserver {

    /**
     * A turn starts: called on the thread running the AI service, after planning, before any call is submitted.
     *
     * @param invocationId the AI service invocation, or null when unknown
     * @param plan the turn's plan
     * @return what follows this turn's calls and its end
     */
    TurnScope turnStarted(UUID invocationId, Plan plan);

    /**
     * A call's observation was cut to fit its allowance, before the next model call.
     *
     * @param call the call
     * @param fullChars the observation's length uncut
     * @param keptChars the allowance it was cut to
     */
    default void observationTruncated(PlannedCall call, int fullChars, int keptChars) {}

    /** One turn, as it runs. */
    interface TurnScope {

        /**
         * An attempt of a call starts: called on the thread that runs the tool, right before it runs (retries and
         * re-runs after a 429 are separate attempts). Calls that never run (a failed dependency, the budget, a
         * cached read) get no call scope; the finished turn's report has their outcomes.
         *
         * @param call the call
         * @return told when the attempt ends, on the same thread
         */
        CallScope callStarted(PlannedCall call);

        /**
         * The turn ended: every call has its outcome. Called on the thread that completed the last one. A call
         * abandoned at the budget may still be running; its call scope ends when it returns.
         *
         * @param report the turn's plan, outcomes and timings
         */
        void turnFinished(TurnReport report);
    }

    /** One attempt of a call, as it runs. */
    @FunctionalInterface
    interface CallScope {

        /**
         * The attempt ended, on the thread that ran it.
         *
         * @param error what the tool threw, or null when it returned
         */
        void callEnded(Throwable error);
    }
}
