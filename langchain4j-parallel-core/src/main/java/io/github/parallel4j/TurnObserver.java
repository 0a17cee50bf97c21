package io.github.parallel4j;

import java.util.List;
import java.util.UUID;

/**
 * Follows turns and their calls while they happen: what tracing needs, since a span has to start when its call
 * starts and end when it ends, on the thread that runs the tool (so that the tool's own spans nest under it).
 * For a summary after the fact, {@link TurnListener} is simpler.
 *
 * <p>Every method is called with the library's work in progress: keep them quick. An exception any of them
 * throws is logged and otherwise ignored; the turn is unaffected.
 *
 * <p>A span per call attempt, ended exactly once whether the tool returned or threw:
 *
 * <pre>{@code
 * TurnObserver tracing = turn -> new TurnObserver.TurnScope() {
 *     public TurnObserver.CallScope callStarted(TurnObserver.Call call) {
 *         Span span = tracer.spanBuilder(call.tool()).startSpan();  // on the tool's thread, before the tool
 *         return errorOrNull -> {                                    // on the same thread, after the tool
 *             if (errorOrNull != null) {
 *                 span.recordException(errorOrNull);
 *             }
 *             span.end();
 *         };
 *     }
 *
 *     public void turnFinished(TurnReport report) {}
 * };
 * }</pre>
 */
@FunctionalInterface
public interface TurnObserver {

    /**
     * A turn starts: called on the thread running the AI service, after planning, before any call is submitted.
     *
     * @param turn the turn as planned
     * @return what follows this turn's calls and its end, or null to follow nothing more of it
     */
    TurnScope turnStarted(Turn turn);

    /**
     * A call's observation was cut to fit its allowance, before the next model call.
     *
     * @param call the call
     * @param fullChars the observation's length uncut
     * @param keptChars the allowance it was cut to
     */
    default void observationTruncated(Call call, int fullChars, int keptChars) {}

    /**
     * A turn as planned, before any of its calls runs.
     *
     * @param invocationId the AI service invocation, or null when unknown
     * @param calls its calls, in the model's order
     * @param waveCount how many waves the plan has (the length of its longest chain of dependencies)
     */
    record Turn(UUID invocationId, List<Call> calls, int waveCount) {

        /** Copies the list. */
        public Turn {
            calls = List.copyOf(calls);
        }
    }

    /**
     * A call as planned: the same facts as the beginning of its {@link CallReport}.
     *
     * @param id the call's id in its AI message
     * @param tool the tool's name
     * @param integration the integration it counts against, or null for none
     * @param resourceKeys its resource keys, filled from its arguments (empty when it has none)
     * @param exclusive whether it runs alone (an exclusive write, or a tool the library does not run)
     * @param wave its wave, from 1; 0 for a call that was never planned to run
     */
    record Call(String id, String tool, String integration, List<String> resourceKeys, boolean exclusive, int wave) {

        /** Copies the list. */
        public Call {
            resourceKeys = resourceKeys == null ? List.of() : List.copyOf(resourceKeys);
        }
    }

    /** One turn, as it runs. */
    interface TurnScope {

        /**
         * An attempt of a call starts: called on the thread that runs the tool, right before it runs (retries and
         * re-runs after a 429 are separate attempts). Calls that never run (a failed dependency, the budget, a
         * cached read) are not told here; the finished turn's report has their outcomes.
         *
         * @param call the call
         * @return told once when the attempt ends, on the thread that ran it, whether the tool returned or threw;
         *     or null to follow nothing more of this attempt
         */
        CallScope callStarted(Call call);

        /**
         * The turn ended: every call has its outcome. Called on the thread that completed the last one, before the
         * AI service gets the turn's last result back, as {@link TurnListener} is. A call abandoned at the budget
         * may still be running; its {@link CallScope} is told when it returns.
         *
         * @param report the turn's calls, outcomes and timings
         */
        void turnFinished(TurnReport report);
    }

    /**
     * One attempt of a call, as it runs: {@link #callEnded} is called exactly once for every attempt whose
     * {@link TurnScope#callStarted} returned this scope, on success as well as on failure.
     */
    @FunctionalInterface
    interface CallScope {

        /**
         * The attempt ended, on the thread that ran it: end its span here. Called when the tool returned too, with
         * null, so a method reference to an error recorder alone ({@code span::recordException}) is not enough:
         * it would leave the span open.
         *
         * @param errorOrNull what the tool threw, or null when it returned
         */
        void callEnded(Throwable errorOrNull);
    }
}
