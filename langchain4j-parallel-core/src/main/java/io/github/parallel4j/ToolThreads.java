package io.github.parallel4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The default threads: virtual threads where the runtime has them (Java 21+), otherwise a bounded pool of daemon
 * platform threads; and one daemon timer thread for turn budgets.
 */
final class ToolThreads {

    /** Platform threads in the fallback pool; calls beyond this wait in its queue. */
    static final int PLATFORM_POOL_SIZE = 64;

    private static final ScheduledExecutorService TIMER = timer();

    private ToolThreads() {}

    static ExecutorService defaultExecutor() {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return platformPool();
        } catch (Throwable e) {
            throw new IllegalStateException("Could not create a virtual-thread executor", e);
        }
    }

    static ExecutorService platformPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(PLATFORM_POOL_SIZE, PLATFORM_POOL_SIZE, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("parallel-tools-"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * How the library's own platform pool makes up for threads held by abandoned calls (tools that ignored an
     * interrupt after their turn ended): it grows by one thread per such call, and shrinks back as they return, so
     * stuck tools cannot starve later turns. Only for that pool: an executor the user gives is never resized, and
     * virtual threads need nothing.
     */
    static IntConsumer compensation(Executor executor) {
        if (!(executor instanceof ThreadPoolExecutor pool)) {
            return abandoned -> {};
        }
        int base = pool.getMaximumPoolSize();
        return abandoned -> {
            synchronized (pool) {
                int size = base + Math.max(0, abandoned);
                if (size > pool.getMaximumPoolSize()) {
                    pool.setMaximumPoolSize(size);
                    pool.setCorePoolSize(size);
                } else if (size < pool.getMaximumPoolSize()) {
                    pool.setCorePoolSize(size);
                    pool.setMaximumPoolSize(size);
                }
            }
        };
    }

    static ScheduledExecutorService sharedTimer() {
        return TIMER;
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemonThreads("parallel-tools-budget-"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
