package io.github.parallel4j.internal.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The shape of a batch's "waits for" graph: an order in which every call comes after its predecessors (Kahn's
 * algorithm), the cycle that stops such an order when there is one, and each call's wave. Calls are indices, their
 * predecessors bit sets: nothing here knows what a call is, which is what the planner's tests of odd graphs rely on.
 *
 * <p>Built once per batch on the planning thread; not shared.
 */
final class Topology {

    private final List<BitSet> predecessors;
    private final int[] order;
    private final boolean[] done;
    private int count;

    /** @param predecessors for each call, the calls it waits for */
    Topology(List<BitSet> predecessors) {
        this.predecessors = predecessors;
        int n = predecessors.size();
        order = new int[n];
        done = new boolean[n];
        // Plain arrays (successors in one array, by call), not a list of boxed lists and a stream per call: this
        // runs for every batch, of up to thousands of calls.
        int[] indegree = new int[n];
        int[] firstSuccessor = new int[n + 1];
        for (int i = 0; i < n; i++) {
            BitSet preds = predecessors.get(i);
            for (int p = preds.nextSetBit(0); p >= 0; p = preds.nextSetBit(p + 1)) {
                indegree[i]++;
                firstSuccessor[p + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            firstSuccessor[i + 1] += firstSuccessor[i];
        }
        int[] successors = new int[firstSuccessor[n]];
        int[] filled = Arrays.copyOf(firstSuccessor, n);
        for (int i = 0; i < n; i++) { // ascending: each call's successors in the model's order
            BitSet preds = predecessors.get(i);
            for (int p = preds.nextSetBit(0); p >= 0; p = preds.nextSetBit(p + 1)) {
                successors[filled[p]++] = i;
            }
        }
        int[] ready = new int[n]; // first in, first out; each call enters once
        int head = 0;
        int tail = 0;
        for (int i = 0; i < n; i++) {
            if (indegree[i] == 0) {
                ready[tail++] = i;
            }
        }
        while (head < tail) {
            int i = ready[head++];
            order[count++] = i;
            done[i] = true;
            for (int k = firstSuccessor[i]; k < firstSuccessor[i + 1]; k++) {
                int s = successors[k];
                if (--indegree[s] == 0) {
                    ready[tail++] = s;
                }
            }
        }
    }

    /** @return whether every call found its place, i.e. the graph has no cycle */
    boolean complete() {
        return count == order.length;
    }

    /** @return the calls, each after its predecessors; only meaningful when {@link #complete()} */
    int[] order() {
        return Arrays.copyOf(order, count);
    }

    /**
     * Walks "waits for" links from the first call not placed (on a cycle, or waiting for one) until a call repeats, and
     * names the loop it closes.
     *
     * @param id a call's id by index
     * @return e.g. {@code c1 waits for c2 waits for c1}
     * @throws IllegalStateException when the graph has no cycle
     */
    String cycle(IntFunction<String> id) {
        if (complete()) {
            throw new IllegalStateException("no cycle: every call has its place");
        }
        int start = 0;
        while (done[start]) {
            start++;
        }
        int[] seenAt = new int[order.length];
        Arrays.fill(seenAt, -1);
        List<Integer> walk = new ArrayList<>();
        int at = start;
        while (seenAt[at] < 0) {
            seenAt[at] = walk.size();
            walk.add(at);
            BitSet p = predecessors.get(at);
            int next = -1;
            // A call left over waits for at least one other left over (else Kahn would have placed it).
            for (int q = p.nextSetBit(0); q >= 0; q = p.nextSetBit(q + 1)) {
                if (!done[q]) {
                    next = q;
                    break;
                }
            }
            at = next;
        }
        StringBuilder s = new StringBuilder();
        for (int i = seenAt[at]; i < walk.size(); i++) {
            s.append(id.apply(walk.get(i))).append(" waits for ");
        }
        return s.append(id.apply(at)).toString();
    }

    /**
     * Each call's wave: 1 for a call that waits for nothing, else one more than its latest predecessor's.
     *
     * @param runs whether a call runs at all (one that does not is in no wave: 0)
     * @param sharesWith the call whose result a call shares instead of running (it is in that call's wave), or -1
     * @return the waves by index; only meaningful when {@link #complete()}
     */
    int[] waves(IntPredicate runs, IntUnaryOperator sharesWith) {
        int[] waves = new int[order.length];
        for (int k = 0; k < count; k++) {
            int i = order[k];
            if (!runs.test(i)) {
                continue;
            }
            int original = sharesWith.applyAsInt(i);
            if (original >= 0) {
                waves[i] = waves[original];
                continue;
            }
            int wave = 1;
            BitSet p = predecessors.get(i);
            for (int q = p.nextSetBit(0); q >= 0; q = p.nextSetBit(q + 1)) {
                wave = Math.max(wave, waves[q] + 1);
            }
            waves[i] = wave;
        }
        return waves;
    }
}
