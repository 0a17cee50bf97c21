package io.github.parallel4j.internal.langchain4j;

import java.util.function.Supplier;

/**
 * Where the calls of one turn keep each call's share of the turn's observation budget, computed once by whichever of
 * them asks first.
 */
sealed interface TurnShares permits Batch, StreamedBatch {

    /**
     * @param compute computes the shares, one per call in the model's order; called at most once
     * @return the shares
     */
    int[] shares(Supplier<int[]> compute);
}
