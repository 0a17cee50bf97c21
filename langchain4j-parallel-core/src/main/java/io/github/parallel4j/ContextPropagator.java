package io.github.parallel4j;

import java.util.function.Supplier;

/**
 * Carries thread-bound context (MDC, security or tracing context) from the thread that runs an AI service to the
 * threads that run its tools.
 *
 * <p>{@link #capture()} is called once per turn, on the thread that starts it, and returns what installs that
 * context on another thread. Each tool thread calls it right before the tool runs; it returns what puts back
 * whatever the thread had before, which the tool thread runs right after the tool (also when the tool threw), so
 * that pooled threads carry nothing from one call to the next. An exception from installing fails the call with
 * {@code TOOL_ERROR} before the tool runs. The SLF4J MDC is always propagated; add others with
 * {@code ParallelTools.builder().contextPropagator(...)}:
 *
 * <pre>{@code
 * ContextPropagator security = () -> {
 *     SecurityContext captured = SecurityContextHolder.getContext();     // on the caller's thread
 *     return () -> {
 *         SecurityContext previous = SecurityContextHolder.getContext(); // on the tool's thread, before the tool
 *         SecurityContextHolder.setContext(captured);
 *         return () -> SecurityContextHolder.setContext(previous);       // on the tool's thread, after the tool
 *     };
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ContextPropagator {

    /**
     * Captures the current thread's context.
     *
     * @return what installs the captured context on the current thread and returns what puts back the thread's
     *     previous context; each may be called on any thread, once per call attempt
     */
    Supplier<Runnable> capture();
}
