package io.github.parallel4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadsTest {

    @Test
    void should_grow_the_platform_pool_by_one_thread_per_abandoned_call_and_shrink_back() {
        java.util.concurrent.ThreadPoolExecutor pool = (java.util.concurrent.ThreadPoolExecutor) ToolThreads.platformPool();
        java.util.function.IntConsumer compensation = ToolThreads.compensation(pool);
        int base = pool.getMaximumPoolSize();

        compensation.accept(3);
        assertThat(pool.getMaximumPoolSize()).isEqualTo(base + 3);
        assertThat(pool.getCorePoolSize()).isEqualTo(base + 3);
        compensation.accept(1);
        assertThat(pool.getMaximumPoolSize()).isEqualTo(base + 1);
        compensation.accept(0);
        assertThat(pool.getMaximumPoolSize()).isEqualTo(base);
        assertThat(pool.getCorePoolSize()).isEqualTo(base);
        pool.shutdown();
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
