package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.ContextPropagator;
import java.util.function.Supplier;

/**
 * A user's {@link ContextPropagator} held to its contract: a null where a {@code Captured} or a restoring
 * {@code Runnable} is due fails at once with a message naming the propagator, instead of an NPE while a tool thread
 * cleans up after the tool already ran.
 */
final class CapturedContexts {

    private CapturedContexts() {}

    /**
     * Captures the current thread's context with one propagator.
     *
     * @param propagator the propagator
     * @return installs the captured context on the calling thread and returns what restores the thread's own
     * @throws IllegalStateException when {@code capture()} returned null
     */
    static Supplier<Runnable> capture(ContextPropagator propagator) {
        ContextPropagator.Captured captured = propagator.capture();
        if (captured == null) {
            throw new IllegalStateException("The ContextPropagator " + propagator.getClass().getName()
                    + " returned null from capture(); it must return a ContextPropagator.Captured"
                    + " (() -> () -> {} when there is nothing to carry)");
        }
        return () -> {
            Runnable restore = captured.install();
            if (restore == null) {
                throw new IllegalStateException("The ContextPropagator " + propagator.getClass().getName()
                        + " returned null from Captured.install(), so its context stays on this thread; it must"
                        + " return what puts back the thread's previous context (() -> {} when there is nothing)");
            }
            return restore;
        };
    }
}
