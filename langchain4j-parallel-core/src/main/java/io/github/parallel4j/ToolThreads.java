package io.github.parallel4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default threads, chosen as LangChain4j chooses the default executor of {@code executeToolsConcurrently()}
 * ({@code DefaultExecutorProvider}): virtual threads where the runtime has them (Java 21+), otherwise an elastic
 * pool of daemon platform threads that grows with demand (no queue: a call that finds no idle thread gets a new
 * one). A blocking tool call needs a thread; a default that capped threads below its callers' concurrency would
 * serialise every conversation behind everyone else's. The JVM-wide bound is {@code maxConcurrentCalls}, whose
 * waiters hold no thread.
 *
 * <p>Idle threads go after a minute, as in {@link Executors#newCachedThreadPool()}, not after the second of
 * LangChain4j's pool: in the benchmarks' rounds of 1 000 conversations of eight calls on two cores, starting the
 * 8 000 threads again for every round put the p50 at 2.3 s against 0.41 s when they are kept (docs/benchmarks.md).
 *
 * <p>And one daemon timer thread for turn budgets, tool timeouts and delayed retries. Only the library's own short
 * steps run on it, never a user's callback (see {@code TurnRun}).
 */
final class ToolThreads {

    private static final Logger log = LoggerFactory.getLogger(ParallelTools.class);

    /** How long an idle platform thread of the elastic pool lives (see the class comment). */
    static final long IDLE_SECONDS = 60;

    private static final ScheduledExecutorService TIMER = timer();

    private ToolThreads() {}

    static ExecutorService defaultExecutor() {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return elasticPool();
        } catch (Throwable e) {
            throw new IllegalStateException("Could not create a virtual-thread executor", e);
        }
    }

    /** The Java 17 default: as many threads as calls running at once, none kept idle for long. */
    static ExecutorService elasticPool() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("parallel-tools-"));
    }

    /**
     * Warns at start-up when a user's executor has fewer threads than calls the configured caps let run at once:
     * calls beyond its size wait in its queue, outside every limit the library applies, and a turn's budget runs
     * while they wait. Executors whose size the library cannot see are left unmentioned.
     *
     * @param executor the user's executor
     * @param maxConcurrentCalls the JVM-wide cap, 0 for none
     * @param integrations the integrations' caps
     * @return the warning logged, if any (for tests)
     */
    static String warnIfSmall(Executor executor, int maxConcurrentCalls, Map<String, IntegrationLimits> integrations) {
        if (!(executor instanceof ThreadPoolExecutor pool) || pool.getMaximumPoolSize() == Integer.MAX_VALUE) {
            return null;
        }
        int threads = pool.getMaximumPoolSize();
        String allowed;
        long cap;
        if (maxConcurrentCalls > 0) {
            cap = maxConcurrentCalls;
            allowed = "maxConcurrentCalls(" + maxConcurrentCalls + ") lets " + maxConcurrentCalls + " calls run at once";
        } else {
            cap = Long.MAX_VALUE;
            long capped = 0;
            for (IntegrationLimits limits : integrations.values()) {
                OptionalInt max = limits.maxConcurrent();
                capped += max.isPresent() ? max.getAsInt() : 0;
            }
            allowed = "no maxConcurrentCalls is set, so every ready call may run at once (integration caps add up to "
                    + capped + " and calls of uncapped tools are unbounded)";
        }
        if (threads >= cap) {
            return null;
        }
        String message = "The executor given to ParallelTools runs at most " + threads + " tasks at once, but "
                + allowed + ": calls beyond " + threads + " wait in the executor's queue, outside the library's"
                + " limits, while their turn's budget runs. Give an executor that grows with demand (or none, for the"
                + " default), or set maxConcurrentCalls(" + threads + ") so that waiting calls hold no thread.";
        log.warn(message);
        return message;
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
