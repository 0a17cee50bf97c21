package io.github.parallel4j.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The property tests' oracle for "must finish before" among a message's calls (references for data, the model's or
 * the join order for conflicts): edges added one by one, then whether they close a cycle (a depth-first search).
 */
public final class MustFinishBefore {

    private final List<List<Integer>> after = new ArrayList<>();

    /** @param calls how many calls the message has, numbered from 0 */
    public MustFinishBefore(int calls) {
        for (int i = 0; i < calls; i++) {
            after.add(new ArrayList<>());
        }
    }

    /** Call {@code first} must finish before call {@code then} starts. */
    public void edge(int first, int then) {
        after.get(first).add(then);
    }

    /** @return whether the edges close a cycle */
    public boolean hasCycle() {
        int[] state = new int[after.size()]; // 0 not seen, 1 on the current path, 2 done
        for (int i = 0; i < after.size(); i++) {
            if (visit(i, state)) {
                return true;
            }
        }
        return false;
    }

    private boolean visit(int i, int[] state) {
        if (state[i] != 0) {
            return state[i] == 1;
        }
        state[i] = 1;
        for (int j : after.get(i)) {
            if (visit(j, state)) {
                return true;
            }
        }
        state[i] = 2;
        return false;
    }
}
