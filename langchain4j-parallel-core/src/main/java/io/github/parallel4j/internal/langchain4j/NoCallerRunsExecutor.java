package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming AI service's tool executor, as the library puts it in place: it runs each task on the executor given,
 * except a task LangChain4j submits from the stream's thread (a call that has just streamed in) that the executor runs
 * on that thread while it submits (a direct executor, a {@code ThreadPoolExecutor} with {@code CallerRunsPolicy} when
 * it is full). That one task runs on a thread of {@link HandOverThreads} instead, with the message's context
 * installed around it: the one its tools see, captured once per message on the stream's thread
 * ({@link StreamedMessage#context}), installed by the same {@link CapturedContext} as each attempt. So LangChain4j's
 * hooks around the call
 * ({@code beforeToolExecution}, {@code afterToolExecution}) see it too, and {@code install()} runs once more for such
 * a call (around LangChain4j's task, besides each attempt), while {@code capture()} does not run again.
 *
 * <p>The task holds its thread until its call's observation is ready, while the call's own attempt needs a thread of
 * the tool executor: so it never takes one of the tool executor's (a bounded {@code executor(...)} would starve), but
 * a cheap one of its own (see {@link HandOverThreads}).
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

    /**
     * Set on the stream's thread while LangChain4j's handler submits the call that has just streamed in: the context
     * of its message.
     */
    private static final ThreadLocal<CapturedContext> FROM_STREAM = new ThreadLocal<>();

    private final Executor executor;
    /** Where a handed-over task runs: never on the submitting thread, never the tool executor. */
    private final Executor library;

    NoCallerRunsExecutor(Executor executor, Executor library) {
        this.executor = executor;
        this.library = library;
    }

    /**
     * Runs {@code submit} (LangChain4j's handler, as a call streamed in) marked as a submission from the stream.
     *
     * @param context the context of the call's message, to install around its task if it is handed over
     */
    static void fromStream(CapturedContext context, Runnable submit) {
        CapturedContext outer = FROM_STREAM.get();
        FROM_STREAM.set(context);
        try {
            submit.run();
        } finally {
            if (outer == null) {
                FROM_STREAM.remove();
            } else {
                FROM_STREAM.set(outer);
            }
        }
    }

    @Override
    public void execute(Runnable task) {
        CapturedContext context = FROM_STREAM.get();
        if (context == null) {
            executor.execute(task);
            return;
        }
        Thread submitter = Thread.currentThread();
        AtomicBoolean submitting = new AtomicBoolean(true);
        try {
            executor.execute(() -> {
                if (submitting.get() && Thread.currentThread() == submitter) {
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
     * Installs the message's context around the task ({@link CapturedContext#install()}: all or nothing, undone in
     * reverse order afterwards). When installing fails, nothing stays installed and the task runs without it: it is
     * LangChain4j's, and its call's outcome would never come otherwise; the call's own attempt installs the same
     * context, fails the same way, and answers the call with {@code TOOL_ERROR}.
     */
    static void runIn(CapturedContext context, Runnable task) {
        Runnable restore;
        try {
            restore = context.install();
        } catch (CapturedContext.InstallFailure e) {
            log.debug("A streamed call handed to the library's executor runs without its message's context: {};"
                    + " its attempt fails with TOOL_ERROR", e.getMessage());
            task.run();
            return;
        }
        try {
            task.run();
        } finally {
            restore.run();
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
