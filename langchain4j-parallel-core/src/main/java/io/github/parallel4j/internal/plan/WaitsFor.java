package io.github.parallel4j.internal.plan;

import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The "waits for" relation among the calls of an {@link OpenPlan} (data and order edges), as it stands: which calls a
 * call reaches through it, and a path that closes a cycle, to name it. A view: it reads the plan's lists as they are,
 * under the plan's monitor.
 */
final class WaitsFor {

    private final List<PlannedCall> calls;
    private final List<BitSet> data;
    private final List<BitSet> order;

    WaitsFor(List<PlannedCall> calls, List<BitSet> data, List<BitSet> order) {
        this.calls = calls;
        this.data = data;
        this.order = order;
    }

    /** The live calls reachable from one by "waits for" edges (forwards) or by "is waited for by" edges. */
    BitSet reach(int from, boolean waitsFor) {
        BitSet seen = new BitSet();
        ArrayDeque<Integer> next = new ArrayDeque<>(List.of(from));
        while (!next.isEmpty()) {
            int c = next.poll();
            for (int other = 0; other < calls.size(); other++) {
                boolean edge = waitsFor ? waits(c, other) : waits(other, c);
                if (edge && !seen.get(other) && calls.get(other).kind != Kind.REJECTED) {
                    seen.set(other);
                    next.add(other);
                }
            }
        }
        return seen;
    }

    private boolean waits(int call, int on) {
        return data.get(call).get(on) || order.get(call).get(on);
    }

    /** A path from the new call back to itself through the cycle's members, such as {@code c1 waits for c2 ...}. */
    String describeCycle(int index, BitSet members) {
        Map<Integer, Integer> parent = new HashMap<>();
        ArrayDeque<Integer> next = new ArrayDeque<>(List.of(index));
        Integer last = null;
        while (!next.isEmpty() && last == null) {
            int c = next.poll();
            for (int m = members.nextSetBit(0); m >= 0; m = members.nextSetBit(m + 1)) {
                if (!waits(c, m)) {
                    continue;
                }
                if (m == index) {
                    last = c;
                    break;
                }
                if (!parent.containsKey(m)) {
                    parent.put(m, c);
                    next.add(m);
                }
            }
        }
        List<String> path = new ArrayList<>();
        for (Integer c = last; c != null && c != index; c = parent.get(c)) {
            path.add(0, calls.get(c).id);
        }
        StringBuilder s = new StringBuilder(calls.get(index).id);
        for (String id : path) {
            s.append(" waits for ").append(id);
        }
        return s.append(" waits for ").append(calls.get(index).id).toString();
    }
}
