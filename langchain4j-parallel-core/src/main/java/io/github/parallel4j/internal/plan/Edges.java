package io.github.parallel4j.internal.plan;

import java.util.BitSet;
import java.util.List;

/**
 * Writes a finished batch's edges onto its calls: each call's data predecessors, its order predecessors (those it
 * does not already wait for by data) and its successors (every call that waits for it, in the model's order). A
 * call that will not run waits for nothing; its dependents still learn that it failed.
 *
 * <p>Plain loops over the bit sets, not a stream per call: this runs for every call of every turn.
 */
final class Edges {

    private Edges() {}

    /**
     * @param calls the batch's calls, by index
     * @param data for each call, the calls whose output it needs; becomes all it waits for
     * @param order for each call, the earlier calls it conflicts with
     */
    static void fill(List<PlannedCall> calls, List<BitSet> data, List<BitSet> order) {
        int n = calls.size();
        int[] successorCounts = new int[n];
        for (PlannedCall call : calls) {
            BitSet needs = data.get(call.index);
            BitSet follows = order.get(call.index);
            if (call.kind == PlannedCall.Kind.REJECTED) {
                needs.clear();
                follows.clear();
            }
            call.dataPredecessors = indexes(needs, null);
            call.orderPredecessors = indexes(follows, needs);
            needs.or(follows);
            for (int p = needs.nextSetBit(0); p >= 0; p = needs.nextSetBit(p + 1)) {
                successorCounts[p]++;
            }
        }
        int[][] successors = new int[n][];
        for (int i = 0; i < n; i++) {
            successors[i] = successorCounts[i] == 0 ? PlannedCall.NONE : new int[successorCounts[i]];
            successorCounts[i] = 0;
        }
        for (PlannedCall call : calls) { // in the model's order, so each call's successors are in that order too
            BitSet waitsFor = data.get(call.index);
            for (int p = waitsFor.nextSetBit(0); p >= 0; p = waitsFor.nextSetBit(p + 1)) {
                successors[p][successorCounts[p]++] = call.index;
            }
        }
        for (PlannedCall call : calls) {
            call.successors = successors[call.index];
        }
    }

    /** The indexes set in {@code bits} and not in {@code except}, ascending. */
    private static int[] indexes(BitSet bits, BitSet except) {
        int count = 0;
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            if (except == null || !except.get(i)) {
                count++;
            }
        }
        if (count == 0) {
            return PlannedCall.NONE;
        }
        int[] indexes = new int[count];
        int k = 0;
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            if (except == null || !except.get(i)) {
                indexes[k++] = i;
            }
        }
        return indexes;
    }

}
