package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.limit.ResourceLocks;

/**
 * A turn's scope ({@link TurnOptions#scope()}) that wants to know which calls hold or wait for it, so that what
 * owns it outlives them: a tool that ignored its interrupt after its turn ended still holds its invocation's scope,
 * and a later call of that invocation must find the same scope, not a fresh one. The scheduler takes scopes as
 * entries in {@link ResourceLocks} (holding no thread), not through the {@code ReadWriteLock} methods, and tells
 * a scope that implements this interface instead.
 */
public interface ScopeHolders {

    /** A call starts waiting for the scope. */
    void entered();

    /** A call that {@link #entered()} no longer holds nor waits for the scope; called once per {@code entered()}. */
    void left();
}
