package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shared-limits threads of a {@code ParallelTools}: they end when idle, and renewals do not wait for steps. */
class SharedBackendThreadsTest {

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .count();
    }

    @Test
    void should_end_its_threads_when_idle_and_make_them_again_for_the_next_step() throws Exception {
        SharedLimits limits = new SharedTokenRefundTest.CountingLimits() {
            @Override
            public String backend() {
                return "idle-test";
            }
        };
        SharedBackend backend = new SharedBackend(limits);
        CountDownLatch ran = new CountDownLatch(2);
        backend.run(ran::countDown);
        backend.renewLater(ran::countDown, 1);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(threadsNamed("parallel-tools-shared-limits-idle-test")).isEqualTo(1);

        // before: the thread lived as long as the JVM, one per ParallelTools ever built
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                threadsNamed("parallel-tools-shared-limits-idle-test") == 0
                        && threadsNamed("parallel-tools-shared-renewals-idle-test") == 0);

        CountDownLatch again = new CountDownLatch(1);
        backend.later(again::countDown, 1);
        assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void should_keep_its_thread_while_a_renewal_is_scheduled() throws Exception {
        SharedBackend backend = new SharedBackend(new SharedTokenRefundTest.CountingLimits() {
            @Override
            public String backend() {
                return "scheduled-test";
            }
        });
        CountDownLatch renewed = new CountDownLatch(1);
        backend.renewLater(renewed::countDown, TimeUnit.MILLISECONDS.toNanos(2_500));
        assertThat(renewed.await(10, TimeUnit.SECONDS)).as("a renewal due after the idle time still runs").isTrue();
    }

    @Test
    void should_renew_on_time_while_a_step_holds_the_steps_thread() throws Exception {
        SharedBackend backend = new SharedBackend(new SharedTokenRefundTest.CountingLimits() {
            @Override
            public String backend() {
                return "busy-test";
            }
        });
        CountDownLatch stepRuns = new CountDownLatch(1);
        CountDownLatch stepMayEnd = new CountDownLatch(1);
        backend.run(() -> {
            stepRuns.countDown();
            try {
                stepMayEnd.await(); // a step that runs long (a tool run on it by CallerRunsPolicy, say)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(stepRuns.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch renewed = new CountDownLatch(1);
        backend.renewLater(renewed::countDown, 1);
        try {
            assertThat(renewed.await(5, TimeUnit.SECONDS)).as("renewed while the step still runs").isTrue();
        } finally {
            stepMayEnd.countDown();
        }
    }
}
