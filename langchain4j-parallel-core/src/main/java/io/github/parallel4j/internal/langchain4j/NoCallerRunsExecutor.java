package io.github.parallel4j.internal.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming AI service's tool executor, as the library puts it in place: it runs each task on the executor given,
 * except a task LangChain4j submits from the stream's thread (a call that has just streamed in) that the executor runs
 * on that thread while it submits (a direct executor, a {@code ThreadPoolExecutor} with {@code CallerRunsPolicy} when
 * it is full). That one task runs on the library's own executor instead, with the stream thread's context carried over
 * by the library's context propagators (MDC, and those configured), as tool calls are.
 *
 * <p>Why: streaming with {@code executeToolsConcurrently()}, LangChain4j submits each tool call from the stream's
 * thread the moment it has streamed in. A call run there would hold the stream while it waits for its outcome, and
 * its outcome may wait for what only the stream can deliver (a call it refers to that has not streamed in yet, the
 * rest of the message for the turn's observation share): without a turn budget, the stream would wait for ever.
 *
 * <p>Everything else is left as it was: a submission from any other thread (a synchronous invocation, a reprompt's
 * loop), and a task the executor runs elsewhere, including a caller-runs executor's back-pressure on those threads.
 * Not covered: an executor that queues the task and later runs it on the stream's own thread (an event loop that is
 * also the HTTP client's); use one whose threads are not the stream's. Tasks the executor rejects are rejected as
 * before. Thread-safe.
 */
final class NoCallerRunsExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(NoCallerRunsExecutor.class);

    /** Set on the stream's thread while LangChain4j's handler submits the call that has just streamed in. */
    private static final ThreadLocal<Boolean> FROM_STREAM = new ThreadLocal<>();

    private final Executor executor;
    /** The library's executor: never runs a task on the submitting thread. */
    private final Executor library;
    /** Captures the current thread's context, as the library carries it to tool threads. */
    private final Supplier<List<Supplier<Runnable>>> capture;

    NoCallerRunsExecutor(Executor executor, Executor library, Supplier<List<Supplier<Runnable>>> capture) {
        this.executor = executor;
        this.library = library;
        this.capture = capture;
    }

    /** Runs {@code submit} (LangChain4j's handler, as a call streamed in) marked as a submission from the stream. */
    static void fromStream(Runnable submit) {
        Boolean outer = FROM_STREAM.get();
        FROM_STREAM.set(Boolean.TRUE);
        try {
            submit.run();
        } finally {
            if (outer == null) {
                FROM_STREAM.remove();
            }
        }
    }

    @Override
    public void execute(Runnable task) {
        if (FROM_STREAM.get() == null) {
            executor.execute(task);
            return;
        }
        Thread submitter = Thread.currentThread();
        AtomicBoolean submitting = new AtomicBoolean(true);
        try {
            executor.execute(() -> {
                if (submitting.get() && Thread.currentThread() == submitter) {
                    List<Supplier<Runnable>> context = capture.get();
                    library.execute(() -> runIn(context, task));
                } else {
                    task.run();
                }
            });
        } finally {
            submitting.set(false);
        }
    }

    /**
     * Restores the captured context around the task, and undoes it in reverse order afterwards. The task runs even
     * when restoring fails (it is LangChain4j's: its call's outcome would never come otherwise); the library's own
     * attempt restores the context again, and reports such a failure as the call's.
     */
    private static void runIn(List<Supplier<Runnable>> context, Runnable task) {
        List<Runnable> restored = new ArrayList<>(context.size());
        try {
            for (Supplier<Runnable> captured : context) {
                restored.add(captured.get());
            }
        } catch (RuntimeException e) {
            log.warn("Could not restore the stream thread's context for a tool call handed to the library's executor",
                    e);
        }
        try {
            task.run();
        } finally {
            for (int k = restored.size() - 1; k >= 0; k--) {
                restored.get(k).run();
            }
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
}
