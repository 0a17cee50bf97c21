package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.internal.schedule.CapturedContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which tasks the streaming AI service's executor hands over, and how: only the stream's, with its context. */
class NoCallerRunsExecutorTest {

    private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

    private final ExecutorService library = Executors.newCachedThreadPool(r -> new Thread(r, "library"));
    private final AtomicInteger handedOver = new AtomicInteger();
    /** Carries {@link #CONTEXT} as a context propagator would. */
    private final Supplier<CapturedContext> capture = () -> {
        String value = CONTEXT.get();
        return CapturedContext.of(List.of(() -> {
            String before = CONTEXT.get();
            CONTEXT.set(value);
            return () -> CONTEXT.set(before);
        }));
    };

    @AfterEach
    void stop() {
        library.shutdownNow();
    }

    private NoCallerRunsExecutor wrapping(java.util.concurrent.Executor executor) {
        return new NoCallerRunsExecutor(executor, task -> {
            handedOver.incrementAndGet();
            library.execute(task);
        });
    }

    @Test
    void should_leave_a_task_submitted_from_another_thread_than_the_stream_on_the_executors_caller_thread() {
        Thread[] ranOn = new Thread[1];

        wrapping(Runnable::run).execute(() -> ranOn[0] = Thread.currentThread());

        assertThat(ranOn[0]).as("a synchronous invocation's direct executor keeps its thread (and ThreadLocals)")
                .isSameAs(Thread.currentThread());
        assertThat(handedOver).hasValue(0);
    }

    @Test
    void should_hand_a_task_the_stream_submits_and_a_direct_executor_runs_to_the_library_with_the_streams_context()
            throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        CONTEXT.set("request-42");
        try {
            NoCallerRunsExecutor.fromStream(capture.get(), () -> wrapping(Runnable::run).execute(() -> {
                seen.complete(CONTEXT.get());
                ranOn.complete(Thread.currentThread());
            }));
        } finally {
            CONTEXT.remove();
        }

        assertThat(ranOn.get(5, TimeUnit.SECONDS).getName()).isEqualTo("library");
        assertThat(seen.get(5, TimeUnit.SECONDS)).as("the stream thread's context").isEqualTo("request-42");
        assertThat(handedOver).hasValue(1);
    }

    @Test
    void should_run_a_task_the_stream_submits_where_the_executor_runs_it_when_that_is_another_thread()
            throws Exception {
        ThreadPoolExecutor one = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>(),
                r -> new Thread(r, "users-pool"), new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();

            NoCallerRunsExecutor.fromStream(capture.get(), () -> wrapping(one).execute(() -> ranOn.complete(Thread.currentThread())));

            assertThat(ranOn.get(5, TimeUnit.SECONDS).getName()).isEqualTo("users-pool");
            assertThat(handedOver).hasValue(0);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void should_keep_a_full_caller_runs_executors_back_pressure_for_submissions_not_from_the_stream()
            throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ThreadPoolExecutor one = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>(),
                r -> new Thread(r, "users-pool"), new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            NoCallerRunsExecutor executor = wrapping(one);
            executor.execute(() -> {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread[] ranOn = new Thread[1];

            executor.execute(() -> ranOn[0] = Thread.currentThread()); // the pool is full: runs here, as configured
            release.countDown();

            assertThat(ranOn[0]).isSameAs(Thread.currentThread());
            assertThat(handedOver).hasValue(0);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void should_leave_nothing_installed_on_the_library_thread_and_still_run_the_task_when_an_install_throws_an_error()
            throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor(r -> new Thread(r, "library-1"));
        try {
            CapturedContext context = CapturedContext.of(List.of(() -> {
                CONTEXT.set("leaked");
                return CONTEXT::remove;
            }, () -> {
                throw new LinkageError("a propagator's class is missing");
            }));
            NoCallerRunsExecutor executor = new NoCallerRunsExecutor(Runnable::run, single);
            CompletableFuture<String> during = new CompletableFuture<>();

            NoCallerRunsExecutor.fromStream(context, () -> executor.execute(() -> during.complete(CONTEXT.get())));

            assertThat(during.get(5, TimeUnit.SECONDS)).as("LangChain4j's task ran, without a half-installed context")
                    .isNull();
            CompletableFuture<String> next = new CompletableFuture<>();
            single.execute(() -> next.complete(CONTEXT.get()));
            assertThat(next.get(5, TimeUnit.SECONDS)).as("the pooled thread's next task").isNull();
        } finally {
            single.shutdownNow();
        }
    }
}
