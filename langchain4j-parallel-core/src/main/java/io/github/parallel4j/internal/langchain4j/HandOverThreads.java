package io.github.parallel4j.internal.langchain4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a streamed call's task runs on when {@link NoCallerRunsExecutor} hands it over from the stream's
 * thread: virtual threads where the runtime has them (Java 21+), otherwise an elastic pool of daemon threads.
 *
 * <p>Not the tool executor: such a task (LangChain4j's, around the call) holds its thread until the call's
 * observation is ready, while the call's own attempt needs a thread of the tool executor. On a bounded
 * {@code executor(...)} the handed-over tasks could take every thread and leave the attempts they wait for queued
 * until the budget ran out, or for ever without one. Here they cost one cheap thread per call handed over, blocked
 * in a wait, and never a thread of the tool executor. Shared by every {@code ParallelTools} in the JVM;
 * thread-safe.
 */
final class HandOverThreads {

    private static final Executor SHARED = create();

    private HandOverThreads() {}

    /** @return the executor for handed-over tasks */
    static Executor shared() {
        return SHARED;
    }

    private static Executor create() {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            AtomicInteger number = new AtomicInteger();
            return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread thread = new Thread(r, "parallel-tools-hand-over-" + number.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        } catch (Throwable e) {
            throw new IllegalStateException("Could not create a virtual-thread executor", e);
        }
    }
}
