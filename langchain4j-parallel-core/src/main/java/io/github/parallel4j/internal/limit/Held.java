package io.github.parallel4j.internal.limit;

import java.util.List;

/**
 * What one attempt held ({@link Admission}), taken for release by exactly one caller.
 *
 * @param slots the concurrency slots, in the order they were taken
 * @param locks its invocation lock and resource-key locks, or null
 * @param locked whether the locks are held (else still waited for)
 * @param shared its share of the limits held outside the JVM, or null
 */
record Held(List<FairSlots> slots, ResourceLocks.Request locks, boolean locked, SharedHold shared) {

    static final Held NOTHING = new Held(List.of(), null, false, null);

    /**
     * Releases the shared hold (or stops its waits), the slots, newest first, then the locks (or withdraws them
     * while they are still waited for).
     */
    void release() {
        if (shared != null) {
            shared.release();
        }
        for (int k = slots.size() - 1; k >= 0; k--) {
            slots.get(k).release();
        }
        if (locks != null) {
            if (locked) {
                locks.release();
            } else {
                locks.cancel(); // if it is being granted instead, the grant sees the attempt dead and declines
            }
        }
    }
}
