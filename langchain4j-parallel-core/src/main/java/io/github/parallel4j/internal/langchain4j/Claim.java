package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.observe.ObservationLimits;
import io.github.parallel4j.internal.schedule.TurnRun;

/**
 * A call's place in a running turn of its invocation ({@link InvocationState}); {@code batch} is null for a call that
 * runs alone, {@code run} is null for a call refused because the invocation had failed ({@code refusal} says why).
 */
record Claim(TurnRun run, int index, TurnShares batch, String refusal) {
    static Claim refused(String why) {
        return new Claim(null, -1, null, why);
    }

    /**
     * Whether the call's observation is cut to its share of the turn's limit, which needs every outcome of the turn
     * (so its caller may as well wait for the turn's end, once). With an external call in the batch, the rest of the
     * turn waits for the AI service to pass it, which it does only after this observation is returned: no waiting for
     * the whole turn then.
     *
     * @param limits the installation's observation limits
     * @param tool the call's tool
     */
    boolean sharesTurn(ObservationLimits limits, String tool) {
        boolean streamed = batch instanceof StreamedBatch; // its size is known when its turn is done
        return limits.ownLimit(tool) != 0 && limits.sharesTurns() && batch != null
                && (streamed || ((Batch) batch).sharedBy(run.plan()));
    }
}
