package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.internal.limit.HoldLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What held one call back before it started, summed per step over its attempts, with what of each step (the keys,
 * the call waited for): made the first time a step holds the call, so a call that never waits has none.
 *
 * <p>Thread-safe: guarded by its own monitor, which is never held while calling out.
 */
final class CallHolds implements HoldLog {

    private final EnumMap<HeldBy, Long> nanos = new EnumMap<>(HeldBy.class);
    private final EnumMap<HeldBy, Set<String>> on = new EnumMap<>(HeldBy.class);
    /** When the call's outcome was decided by its turn closing: no wait is written down as lasting past it. */
    private long sealedAt = Long.MAX_VALUE;

    @Override
    public synchronized void held(HeldBy step, String what, long since, long until) {
        long end = Math.min(until, sealedAt);
        if (end <= since) {
            return;
        }
        nanos.merge(step, end - since, Long::sum);
        if (what != null) {
            on.computeIfAbsent(step, s -> new LinkedHashSet<>(2)).add(what);
        }
    }

    /** No wait written down from now on lasts past {@code at} (on the scheduler's ticker): the call's outcome. */
    synchronized void seal(long at) {
        sealedAt = Math.min(sealedAt, at);
    }

    /** @return how long each step held the call, in the steps' order; a copy */
    synchronized Map<HeldBy, Long> nanos() {
        return Collections.unmodifiableMap(new EnumMap<>(nanos));
    }

    /** @return what of each step held it, joined when there were several (keys, calls), at most three named; a copy */
    synchronized Map<HeldBy, String> on() {
        EnumMap<HeldBy, String> names = new EnumMap<>(HeldBy.class);
        on.forEach((step, whats) -> names.put(step, Holds.named(new ArrayList<>(whats))));
        return names.isEmpty() ? Map.of() : Collections.unmodifiableMap(names);
    }
}
