package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.limit.ResourceLocks;

/**
 * An invocation lock ({@link TurnOptions#invocationLock()}) that wants to know which calls hold or wait for it, so
 * that what owns it outlives them: a tool that ignored its interrupt after its turn ended still holds its
 * invocation's lock, and a later call of that invocation must find the same lock, not a fresh one. The scheduler
 * takes the lock as an entry in {@link ResourceLocks} (holding no thread), not through the {@code ReadWriteLock}
 * methods, and tells a lock that implements this interface instead.
 */
@Internal
public interface InvocationLockHolders {

    /** A call starts waiting for the lock. */
    void entered();

    /** A call that {@link #entered()} no longer holds nor waits for the lock; called once per {@code entered()}. */
    void left();

    /**
     * The key every call of the invocation asks {@code locks} for, the same one each time: by default the lock
     * itself (an entry in the table while some call holds or waits for it); a lock that lives as long as its
     * invocation may give a {@link ResourceLocks#ownKey() key with a line of its own}, which spares the table an
     * entry made and dropped for every call.
     *
     * @param locks the table the calls ask
     * @return the key, the same for every call of the invocation that asks this table
     */
    default Object key(ResourceLocks locks) {
        return this;
    }
}
