package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.internal.limit.HoldLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What held one call back before it started, over its attempts: each wait as its step wrote it down, summed per
 * step (with what of each step held it: the keys, the call waited for) when read. Made the first time a step holds
 * the call, so a call that never waits has none.
 *
 * <p>The waits are kept as written, not as running sums, because the seal can come after a wait that ends past it:
 * a closing turn takes its instant first and seals its calls after, and a step that lets a call go in between (another
 * turn releasing the lock it waited for) writes down a wait ending after that instant. Every wait is clipped to the
 * seal when read, whichever came first, so no wait counts past the call's outcome.
 *
 * <p>Thread-safe: guarded by its own monitor, which is never held while calling out.
 */
final class CallHolds implements HoldLog {

    /** One wait as a step wrote it down, on the scheduler's ticker. */
    private record Wait(HeldBy step, String what, long since, long until) {}

    private final List<Wait> waits = new ArrayList<>(2);
    /** When the call's outcome was decided by its turn closing: no wait is counted as lasting past it. */
    private long sealedAt = Long.MAX_VALUE;

    @Override
    public synchronized void held(HeldBy step, String what, long since, long until) {
        if (Math.min(until, sealedAt) > since) {
            waits.add(new Wait(step, what, since, until)); // clipped when read: a seal may still come before until
        }
    }

    /** No wait is counted as lasting past {@code at} (on the scheduler's ticker), written before or after: the outcome. */
    synchronized void seal(long at) {
        sealedAt = Math.min(sealedAt, at);
    }

    /** @return how long each step held the call up to the seal, in the steps' order; a copy, empty when none did */
    synchronized Map<HeldBy, Long> nanos() {
        EnumMap<HeldBy, Long> nanos = new EnumMap<>(HeldBy.class);
        for (Wait wait : waits) {
            long counted = counted(wait);
            if (counted > 0) {
                nanos.merge(wait.step(), counted, Long::sum);
            }
        }
        return nanos.isEmpty() ? Map.of() : Collections.unmodifiableMap(nanos);
    }

    /**
     * @return what of each step held it up to the seal, joined when there were several (keys, calls), at most three
     *     named; a copy
     */
    synchronized Map<HeldBy, String> on() {
        EnumMap<HeldBy, Set<String>> whats = new EnumMap<>(HeldBy.class);
        for (Wait wait : waits) {
            if (wait.what() != null && counted(wait) > 0) {
                whats.computeIfAbsent(wait.step(), s -> new LinkedHashSet<>(2)).add(wait.what());
            }
        }
        EnumMap<HeldBy, String> names = new EnumMap<>(HeldBy.class);
        whats.forEach((step, what) -> names.put(step, Holds.named(new ArrayList<>(what))));
        return names.isEmpty() ? Map.of() : Collections.unmodifiableMap(names);
    }

    /** @return how much of a wait lies before the seal. Called holding this. */
    private long counted(Wait wait) {
        return Math.min(wait.until(), sealedAt) - wait.since();
    }
}
