package io.github.parallel4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadsTest {

    @Test
    void should_start_every_waiting_call_at_once_on_the_java_17_default_pool() throws Exception {
        ExecutorService pool = ToolThreads.elasticPool();
        int calls = 300; // far beyond any fixed pool a default might have had
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(calls);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            for (int i = 0; i < calls; i++) {
                pool.execute(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(started.await(30, TimeUnit.SECONDS)).as("all blocked tasks run at once").isTrue();
        } finally {
            release.countDown();
            pool.shutdown();
        }
    }

    @Test
    void should_warn_with_numbers_when_a_users_pool_is_smaller_than_the_caps_allow() {
        ExecutorService fixed = java.util.concurrent.Executors.newFixedThreadPool(4);
        ExecutorService cached = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            assertThat(ToolThreads.warnIfSmall(fixed, 0, java.util.Map.of()))
                    .contains("at most 4 tasks at once").contains("no maxConcurrentCalls is set");
            assertThat(ToolThreads.warnIfSmall(fixed, 8, java.util.Map.of()))
                    .contains("at most 4 tasks").contains("maxConcurrentCalls(8) lets 8 calls run at once")
                    .contains("maxConcurrentCalls(4)");
            assertThat(ToolThreads.warnIfSmall(fixed, 4, java.util.Map.of())).isNull();
            assertThat(ToolThreads.warnIfSmall(cached, 0, java.util.Map.of())).isNull();
            assertThat(ToolThreads.warnIfSmall(Runnable::run, 0, java.util.Map.of())).isNull();
        } finally {
            fixed.shutdown();
            cached.shutdown();
        }
    }

    interface Assistant {
        String chat(String message);
    }

    /** A tool that ignores interrupts until the test lets it go. */
    static class Stubborn {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @dev.langchain4j.agent.tool.Tool @io.github.parallel4j.annotation.ParallelSafe
        public String stuck(String x) {
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return "late";
                    }
                } catch (InterruptedException ignored) {
                    // ignores the budget's interrupt on purpose
                }
            }
        }
    }

    /** The same tool, but one that stops when interrupted: the turn it is in returns at its budget, the baseline. */
    static class Cooperative {
        @dev.langchain4j.agent.tool.Tool @io.github.parallel4j.annotation.ParallelSafe
        public String stuck(String x) throws InterruptedException {
            new java.util.concurrent.CountDownLatch(1).await();
            return "never";
        }
    }

    /** @return how long a turn of one call to {@code tools} took, by its report, with a 100 ms budget */
    private static long budgetedTurnNanos(java.util.concurrent.ExecutorService pool, Object tools) throws Exception {
        io.github.parallel4j.support.ScriptedChatModel model = io.github.parallel4j.support.ScriptedChatModel
                .callsThenSummary(java.util.List.of(
                        io.github.parallel4j.support.ScriptedChatModel.call("c1", "stuck", "{\"x\":\"1\"}")));
        java.util.concurrent.CompletableFuture<TurnReport> report = new java.util.concurrent.CompletableFuture<>();
        ParallelTools parallel = ParallelTools.builder().executor(pool)
                .turnTimeout(java.time.Duration.ofMillis(100)).turnListener(report::complete).build();
        parallel.install(dev.langchain4j.service.AiServices.builder(Assistant.class), tools).chatModel(model).build()
                .chat("go");
        return report.get(5, TimeUnit.SECONDS).durationNanos();
    }

    @Test
    void should_return_at_the_budget_and_leave_a_users_executor_as_it_is() throws Exception {
        for (java.util.concurrent.ThreadPoolExecutor pool : java.util.List.of(
                (java.util.concurrent.ThreadPoolExecutor) java.util.concurrent.Executors.newCachedThreadPool(),
                (java.util.concurrent.ThreadPoolExecutor) java.util.concurrent.Executors.newFixedThreadPool(4))) {
            Stubborn tools = new Stubborn();
            int max = pool.getMaximumPoolSize();
            int core = pool.getCorePoolSize();
            io.github.parallel4j.support.ScriptedChatModel model = io.github.parallel4j.support.ScriptedChatModel
                    .callsThenSummary(java.util.List.of(
                            io.github.parallel4j.support.ScriptedChatModel.call("c1", "stuck", "{\"x\":\"1\"}")));
            java.util.concurrent.CompletableFuture<TurnReport> report = new java.util.concurrent.CompletableFuture<>();
            ParallelTools parallel = ParallelTools.builder().executor(pool)
                    .turnTimeout(java.time.Duration.ofMillis(100)).turnListener(report::complete).build();
            Assistant assistant = parallel.install(dev.langchain4j.service.AiServices.builder(Assistant.class), tools)
                    .chatModel(model).build();
            try {
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                        () -> assistant.chat("go"), "the turn must return at its budget");
                assertThat(model.observations().get(0).get("error_code").asText()).isEqualTo("BUDGET_EXCEEDED");
                long stubborn = report.get(5, TimeUnit.SECONDS).durationNanos();
                long cooperative = budgetedTurnNanos(pool, new Cooperative());
                assertThat(stubborn).as("a turn whose tool ignores the interrupt took %.1f ms, one whose tool stops "
                        + "for it %.1f ms, on %s: it must not wait for the tool", stubborn / 1e6, cooperative / 1e6,
                        pool.getClass().getSimpleName()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100))
                        .isLessThanOrEqualTo(2 * cooperative);
                // A loaded machine may not start the call within its 100 ms: then nothing runs on, nothing is abandoned.
                boolean started = report.get(5, TimeUnit.SECONDS).calls().get(0).started();
                assertThat(parallel.abandonedCalls())
                        .as("the call %s when the budget ran out", started ? "was running" : "had not started")
                        .isEqualTo(started ? 1 : 0);
                assertThat(pool.getMaximumPoolSize()).isEqualTo(max);
                assertThat(pool.getCorePoolSize()).isEqualTo(core);
            } finally {
                tools.release.countDown();
                pool.shutdown();
            }
        }
    }

    @Test
    void should_use_virtual_threads_where_the_runtime_has_them_and_daemon_platform_threads_otherwise() throws Exception {
        ExecutorService executor = ToolThreads.defaultExecutor();
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        executor.execute(() -> ran.complete(Thread.currentThread()));
        Thread thread = ran.get(10, TimeUnit.SECONDS);

        if (Runtime.version().feature() >= 21) {
            Method isVirtual = Thread.class.getMethod("isVirtual");
            assertThat((Boolean) isVirtual.invoke(thread)).isTrue();
        } else {
            assertThat(thread.getName()).startsWith("parallel-tools-");
            assertThat(thread.isDaemon()).isTrue();
        }
    }
}
