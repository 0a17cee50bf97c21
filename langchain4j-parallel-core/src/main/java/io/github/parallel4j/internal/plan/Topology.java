package io.github.parallel4j.internal.plan;

import java.util.ArrayDeque;
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
        int[] indegree = new int[n];
        List<List<Integer>> successors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            successors.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            indegree[i] = predecessors.get(i).cardinality();
            final int to = i;
            predecessors.get(i).stream().forEach(p -> successors.get(p).add(to));
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (indegree[i] == 0) {
                ready.add(i);
            }
        }
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order[count++] = i;
            done[i] = true;
            for (int s : successors.get(i)) {
                if (--indegree[s] == 0) {
                    ready.add(s);
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
     * Walks "waits for" links from a call left on a cycle until one repeats, and names that loop.
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
