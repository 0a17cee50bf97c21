package io.github.parallel4j.internal.langchain4j;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AI service's tool executor, as the library puts it in place: it runs each task on the executor given, except a
 * task that executor runs on the submitting thread while it submits (a direct executor, a {@code ThreadPoolExecutor}
 * with {@code CallerRunsPolicy} when it is full). That task is handed to a thread of the library's instead.
 *
 * <p>Why: streaming with {@code executeToolsConcurrently()}, LangChain4j submits each tool call from the stream's
 * thread the moment it has streamed in. A call run there would hold the stream while it waits for its outcome, and
 * its outcome may wait for what only the stream can deliver (a call it refers to that has not streamed in yet, the
 * rest of the message for the turn's observation share): without a turn budget, the stream would wait for ever. So
 * the stream's thread never runs a tool call; it only submits.
 *
 * <p>Tasks the executor rejects are rejected as before. Thread-safe.
 */
final class NoCallerRunsExecutor implements Executor {

    /** Threads for the tasks the executor would have run on the submitting thread; created as needed, daemons. */
    private static final ExecutorService HANDED_OVER = handedOver();

    private final Executor executor;

    NoCallerRunsExecutor(Executor executor) {
        this.executor = executor;
    }

    @Override
    public void execute(Runnable task) {
        Thread submitter = Thread.currentThread();
        AtomicBoolean submitting = new AtomicBoolean(true);
        try {
            executor.execute(() -> {
                if (submitting.get() && Thread.currentThread() == submitter) {
                    HANDED_OVER.execute(task);
                } else {
                    task.run();
                }
            });
        } finally {
            submitting.set(false);
        }
    }

    /** @return the executor this one runs tasks on */
    Executor executor() {
        return executor;
    }

    @Override
    public String toString() {
        return executor.toString();
    }

    private static ExecutorService handedOver() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "parallel4j-handed-over-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
