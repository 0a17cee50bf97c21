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
}
