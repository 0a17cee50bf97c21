package io.github.parallel4j.limit;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * A concurrency cap that never blocks a thread: {@link #acquire} either grants a slot at once or queues the
 * request, and {@link #release} hands a freed slot to the oldest queued request. Requests are served strictly in
 * the order they were made, so calls of one turn that become ready together are admitted in emission order.
 *
 * <p>A grant runs the request's callback on the thread that made the slot free (or on the caller, when a slot is
 * free at once); callbacks must be short (they submit a task). Thread-safe.
 */
public final class FairSlots {

    private final int capacity;
    private final ArrayDeque<BooleanSupplier> waiting = new ArrayDeque<>();
    private int inUse;

    /**
     * @param capacity how many slots may be held at once, at least 1
     */
    public FairSlots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A cap must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Asks for a slot.
     *
     * @param onGranted runs once the slot is held and answers whether it keeps it; if it does, the holder must
     *     call {@link #release} exactly once after; if not (its call was cancelled meanwhile), the slot passes on
     */
    public void acquire(BooleanSupplier onGranted) {
        synchronized (this) {
            if (inUse >= capacity || !waiting.isEmpty()) {
                waiting.add(onGranted);
                return;
            }
            inUse++;
        }
        if (!onGranted.getAsBoolean()) {
            release();
        }
    }

    /** Frees a slot, granting it to the oldest waiting request that still wants it. */
    public void release() {
        while (true) {
            BooleanSupplier next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    inUse--;
                    return;
                }
            }
            if (next.getAsBoolean()) {
                return; // the slot passed straight to the next request
            }
        }
    }

    /** @return the slots held now */
    public synchronized int inUse() {
        return inUse;
    }

    /** @return the requests waiting now */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** @return the cap */
    public int capacity() {
        return capacity;
    }
}
