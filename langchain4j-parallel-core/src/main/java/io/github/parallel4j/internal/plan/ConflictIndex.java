package io.github.parallel4j.internal.plan;

import io.github.parallel4j.internal.policy.ResourceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Orders conflicting calls in emission order while keeping the graph small: a call is linked to the calls it
 * must follow directly (the last writer of a key, the readers since that writer, the last exclusive call), and
 * every other conflict follows through those links.
 *
 * <p>Open keys (whose value depends on another call's output) cannot be indexed by text; they are compared with
 * every earlier key, which is linear per open key and only happens for calls that have one.
 */
final class ConflictIndex {

    private final Map<String, KeyState> byKey = new HashMap<>();
    private final List<KeyUse> allUses = new ArrayList<>();
    private final List<KeyUse> openUses = new ArrayList<>();
    private final List<Integer> sinceExclusive = new ArrayList<>();
    private int lastExclusive = -1;

    /**
     * Records call {@code index} (calls come in emission order) and reports each earlier call it must follow.
     */
    void add(int index, boolean exclusive, boolean writes, List<ResourceKey> keys, IntConsumer mustFollow) {
        if (exclusive) {
            if (sinceExclusive.isEmpty()) {
                if (lastExclusive >= 0) {
                    mustFollow.accept(lastExclusive);
                }
            } else {
                sinceExclusive.forEach(mustFollow::accept);
            }
            lastExclusive = index;
            sinceExclusive.clear();
            // Everything after this call follows it, and so follows everything before it.
            byKey.clear();
            allUses.clear();
            openUses.clear();
            return;
        }
        if (lastExclusive >= 0) {
            mustFollow.accept(lastExclusive);
        }
        sinceExclusive.add(index);
        for (ResourceKey key : keys) {
            KeyUse use = new KeyUse(index, key, writes);
            if (key.open()) {
                for (KeyUse earlier : allUses) {
                    if ((writes || earlier.writes) && earlier.key.mayMatch(key)) {
                        mustFollow.accept(earlier.index);
                    }
                }
                openUses.add(use);
            } else {
                for (KeyUse open : openUses) {
                    if ((writes || open.writes) && open.key.mayMatch(key)) {
                        mustFollow.accept(open.index);
                    }
                }
                KeyState state = byKey.computeIfAbsent(key.text(), k -> new KeyState());
                if (writes) {
                    if (state.readers.isEmpty()) {
                        if (state.lastWriter >= 0) {
                            mustFollow.accept(state.lastWriter);
                        }
                    } else {
                        state.readers.forEach(mustFollow::accept);
                    }
                    state.lastWriter = index;
                    state.readers.clear();
                } else {
                    if (state.lastWriter >= 0) {
                        mustFollow.accept(state.lastWriter);
                    }
                    state.readers.add(index);
                }
            }
            allUses.add(use);
        }
    }

    private static final class KeyState {
        int lastWriter = -1;
        final List<Integer> readers = new ArrayList<>();
    }

    private record KeyUse(int index, ResourceKey key, boolean writes) {}
}
