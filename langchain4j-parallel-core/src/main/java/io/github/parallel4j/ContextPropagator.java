package io.github.parallel4j;

/**
 * Carries thread-bound context (MDC, security or tracing context) from the thread that runs an AI service to the
 * threads that run its tools.
 *
 * <p>The way of one context: {@link #capture()} runs once per AI message, on the thread that receives it (the AI
 * service's caller; streaming, the stream's thread, when the model completes the message's first call or, if none
 * was completed alone, when the complete response comes), and reads that thread's context into a {@link Captured}
 * that every call of the message sees. Right before each attempt of each call, the tool's thread calls
 * {@link Captured#install()}, which puts the captured context on that thread and returns what puts back whatever
 * the thread had before; the tool's thread runs that right after the attempt, also when the tool threw, so that
 * pooled threads carry nothing from one call to the next. Streaming, a call LangChain4j submits from the stream's
 * thread to an executor that would run it there is handed over to the library's executor, and {@code install()}
 * also runs around that task (so LangChain4j's hooks around the call see the context), with the same rules. The SLF4J MDC is always propagated; add others with
 * {@code ParallelTools.builder().contextPropagator(...)}:
 *
 * <pre>{@code
 * ContextPropagator security = () -> {
 *     SecurityContext captured = SecurityContextHolder.getContext();     // capture(): on the caller's thread
 *     return () -> {
 *         SecurityContext previous = SecurityContextHolder.getContext(); // install(): on the tool's thread
 *         SecurityContextHolder.setContext(captured);
 *         return () -> SecurityContextHolder.setContext(previous);       // on the tool's thread, after the tool
 *     };
 * };
 * }</pre>
 *
 * <p>Guarantees and duties:
 * <ul>
 *   <li>One {@code Captured} serves every call of its turn, so {@link Captured#install()} is called
 *       <b>concurrently</b> from several tool threads, once per call attempt (retries and re-runs after a 429
 *       install again): it must be thread-safe and must not change the captured state.</li>
 *   <li>The restoring {@code Runnable} is run exactly once, on the thread that installed, after the attempt.</li>
 *   <li>Several propagators install in the order they were added and restore in the reverse order.</li>
 *   <li>An exception from {@code capture()} fails the message's calls before any runs ({@code TOOL_ERROR}). An
 *       exception (or {@code Error}) from {@code install()} fails that call with {@code TOOL_ERROR} before its tool
 *       runs, and the propagators installed before it are restored; every restore runs, even when another one
 *       throws. A null from either is a bug in the propagator and is
 *       treated the same way, with a message naming the propagator's class; after a null from {@code install()}
 *       that propagator's context cannot be put back, so return {@code () -> {}} when there is nothing to
 *       restore, never null.</li>
 * </ul>
 */
@FunctionalInterface
public interface ContextPropagator {

    /**
     * Reads the context of the thread that calls it: the thread that received the AI message (the AI service's
     * caller, or the stream's thread for a streamed one).
     *
     * @return the captured context, never null
     */
    Captured capture();

    /** A context read by {@link ContextPropagator#capture()}, to put on tool threads. Thread-safe. */
    @FunctionalInterface
    interface Captured {

        /**
         * Puts the captured context on the calling thread (a tool's thread, right before an attempt). Called
         * concurrently from several tool threads.
         *
         * @return what puts back the calling thread's previous context, run once on the same thread right after
         *     the attempt; never null ({@code () -> {}} when there is nothing to put back)
         */
        Runnable install();
    }
}
