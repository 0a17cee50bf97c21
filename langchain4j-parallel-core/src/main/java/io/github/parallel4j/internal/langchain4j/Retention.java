package io.github.parallel4j.internal.langchain4j;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What keeps an invocation's state from being dropped: the callers inside it (an executor or listener between asking
 * and answering), the threads holding or waiting for its lock, and, when there are neither, its idle expiry.
 *
 * <p>The state is <em>pinned</em> while either count is above 0. A lock user that arrives when no caller is inside,
 * and the last one to leave, tell the state's owner ({@code changed}), which re-examines the state inside its map's
 * operation on the state's key: callers always arrive through that operation, so the owner sees every pin that matters
 * to it. {@link #dropIfUnused()} makes dropping and a lock user's arrival exclude each other.
 *
 * <p>Thread-safe: the counts are atomic; {@link #expiresAt} is written only inside the owner's map operations.
 */
final class Retention implements InvocationLock.Users {

    /** An {@link #expiresAt} that never comes: the state is pinned. */
    static final long NEVER = Long.MAX_VALUE;
    /** Set in {@link #lockUsers} by {@link #dropIfUnused()}: the owner no longer has the state. */
    private static final int DROPPED = Integer.MIN_VALUE;

    /**
     * When the state may be dropped for want of use, on the ticker, or {@link #NEVER}: its owner's bookkeeping,
     * written only inside the owner's map operations on the state's key, and read outside them only as a hint.
     */
    volatile long expiresAt = NEVER;
    private final AtomicInteger callers = new AtomicInteger();
    /** Threads holding or waiting for the lock, and {@link #DROPPED} once the owner dropped the state unused. */
    private final AtomicInteger lockUsers = new AtomicInteger();
    private final Runnable changed;

    /** @param changed asks the owner to re-examine the state */
    Retention(Runnable changed) {
        this.changed = changed;
    }

    @Override
    public void entered() {
        // Pinned now: a caller inside already made the expiry "never" (its entry's map write) until both are 0.
        if ((lockUsers.getAndIncrement() & ~DROPPED) == 0 && callers.get() == 0) {
            changed.run();
        }
    }

    @Override
    public void left() {
        if ((lockUsers.decrementAndGet() & ~DROPPED) == 0 && !pinned()) { // a caller inside re-examines as it leaves
            changed.run();
        }
    }

    /** A caller starts using the state: it is pinned until {@link #leave()}. */
    void enter() {
        callers.incrementAndGet();
    }

    void leave() {
        callers.decrementAndGet();
    }

    /** @return whether a caller or a lock user is inside: the state must stay, however long that takes */
    boolean pinned() {
        return callers.get() > 0 || (lockUsers.get() & ~DROPPED) > 0;
    }

    /**
     * Marks the state dropped if nobody uses it, atomically with a lock user's arrival: a thread that comes for the
     * lock either pins the state first, and it is kept, or comes after. Called by the owner inside its map operation
     * on the state's key, which every caller enters through, so their count cannot rise meanwhile.
     *
     * @return whether it was marked: the owner may drop it
     */
    boolean dropIfUnused() {
        return callers.get() == 0 && lockUsers.compareAndSet(0, DROPPED);
    }

    /** @return whether the idle expiry has passed at {@code now} (the state may still be pinned) */
    boolean expiredAt(long now) {
        long at = expiresAt;
        return at != NEVER && now - at >= 0;
    }
}
