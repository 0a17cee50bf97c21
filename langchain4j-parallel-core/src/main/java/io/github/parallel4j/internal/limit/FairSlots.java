package io.github.parallel4j.internal.limit;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.internal.Internal;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * A concurrency cap that never blocks a thread: a request either gets a slot at once or waits in line, and
 * {@link #release} hands a freed slot to the oldest waiting request. Requests are served strictly in the order
 * they were made, so calls of one turn that become ready together are admitted in emission order. A waiting
 * request can be withdrawn ({@link Ticket#cancel()}).
 *
 * <p>A grant runs the request's callback on the thread that made the slot free (or on the requester, when a slot
 * is free at once); callbacks must be short (they submit a task) and must not throw. Thread-safe; no lock is held
 * while a callback runs.
 */
@Internal
public final class FairSlots {

    private final int capacity;
    private final HeldBy step;
    private final String name;
    private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    private int inUse;

    /**
     * @param capacity how many slots may be held at once, at least 1
     */
    public FairSlots(int capacity) {
        this(capacity, null, null);
    }

    /**
     * @param capacity how many slots may be held at once, at least 1
     * @param step what a call waiting for one of its slots is held by, or null when such waits are not written down
     * @param name what of it (an integration), or null
     */
    public FairSlots(int capacity, HeldBy step, String name) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A cap must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.step = step;
        this.name = name;
    }

    /** One request for a slot. */
    public final class Ticket {

        private final BooleanSupplier onGranted;
        /** Whether it waited in line rather than being granted at once. Guarded by the cap's monitor. */
        private boolean queued;

        private Ticket(BooleanSupplier onGranted) {
            this.onGranted = onGranted;
        }

        /** @return whether it waited in line (false while it is being granted at once) */
        public boolean queued() {
            synchronized (FairSlots.this) {
                return queued;
            }
        }

        /**
         * Withdraws the request if it is still waiting.
         *
         * @return true when it was waiting and will now never be granted; false when it was granted already (or
         *     is being granted)
         */
        public boolean cancel() {
            synchronized (FairSlots.this) {
                return waiting.remove(this);
            }
        }
    }

    /**
     * Makes a request without placing it yet, so that the caller can keep the ticket before any grant can happen.
     *
     * @param onGranted runs once the slot is held and answers whether it keeps it; if it does, the holder must
     *     call {@link #release} exactly once after; if not (its call was cancelled meanwhile), the slot passes on
     * @return the request, to {@link #enqueue}
     */
    public Ticket ticket(BooleanSupplier onGranted) {
        return new Ticket(onGranted);
    }

    /**
     * Places a request: granted at once when a slot is free and nobody waits, else queued.
     *
     * @param ticket a request of this cap, placed once
     */
    public void enqueue(Ticket ticket) {
        synchronized (this) {
            if (inUse >= capacity || !waiting.isEmpty()) {
                waiting.add(ticket);
                ticket.queued = true;
                return;
            }
            inUse++;
        }
        if (!ticket.onGranted.getAsBoolean()) {
            release();
        }
    }

    /**
     * Asks for a slot: {@code enqueue(ticket(onGranted))}.
     *
     * @param onGranted as for {@link #ticket}
     * @return the request, which can be withdrawn while it waits
     */
    public Ticket acquire(BooleanSupplier onGranted) {
        Ticket ticket = ticket(onGranted);
        enqueue(ticket);
        return ticket;
    }

    /** Frees a slot, granting it to the oldest waiting request that still wants it. */
    public void release() {
        while (true) {
            Ticket next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    inUse--;
                    return;
                }
            }
            if (next.onGranted.getAsBoolean()) {
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

    /** @return what a call waiting for a slot is held by, or null when such waits are not written down */
    public HeldBy step() {
        return step;
    }

    /** @return what of it (an integration), or null */
    public String name() {
        return name;
    }
}
