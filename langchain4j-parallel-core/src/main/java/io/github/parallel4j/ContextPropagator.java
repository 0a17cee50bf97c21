package io.github.parallel4j;

/**
 * Carries thread-bound context (MDC, security or tracing context) from the thread that runs an AI service to the
 * threads that run its tools.
 *
 * <p>{@link #capture()} is called once per turn, on the thread that starts it; each tool thread then calls
 * {@link Captured#restore()} before the tool runs and closes the result after, which must put back whatever the
 * thread had before, so that pooled threads carry nothing from one call to the next. The SLF4J MDC is always
 * propagated; add others with {@code ParallelTools.builder().contextPropagator(...)}.
 */
@FunctionalInterface
public interface ContextPropagator {

    /**
     * Captures the current thread's context.
     *
     * @return what was captured
     */
    Captured capture();

    /** Context captured on one thread, to be restored on others. */
    @FunctionalInterface
    interface Captured {

        /**
         * Installs the captured context on the current thread.
         *
         * @return a handle that puts back the thread's previous context when closed
         */
        Restored restore();
    }

    /** The captured context installed on a thread; closing it puts back what was there before. */
    @FunctionalInterface
    interface Restored extends AutoCloseable {

        @Override
        void close();
    }
}
