package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.observe.ObservationLimits;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.TurnRun;
import java.util.List;
import java.util.concurrent.ExecutionException;

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

    /**
     * How many characters the call's observation may have: its tool's limit, and its share of the turn's.
     *
     * @param limits the installation's observation limits
     * @param keepsResults whether cut results are kept for the model to read back (with the {@code read_result} tool)
     * @param outcome the call's outcome
     */
    int allowance(ObservationLimits limits, boolean keepsResults, CallOutcome outcome) {
        if (outcome.call().name().equals(ReadResultTool.NAME) && keepsResults) {
            return 0; // its slices are sized to fit already; cutting them again would lose what was asked for
        }
        int own = limits.ownLimit(outcome.call().name());
        if (!sharesTurn(limits, outcome.call().name())) {
            return own;
        }
        List<CallOutcome> all;
        try {
            all = run.whenDone().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return own;
        } catch (ExecutionException e) {
            return own;
        }
        if (all.size() < 2 || index >= all.size()) {
            return own; // a streamed call that came after its turn had closed is none of the turn's
        }
        return Math.min(own, batch.shares(() -> limits.shares(all))[index]);
    }
}
