package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

/** Rates on Redis's clock: a fake server and a fake local clock, then the real Redis. */
class ServerClockTest {

    private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void should_serve_no_reading_before_the_server_answers_and_the_servers_clock_after() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        AtomicReference<CompletableFuture<Long>> answer = new AtomicReference<>(new CompletableFuture<>());
        AtomicInteger asked = new AtomicInteger();
        ServerClock clock = new ServerClock(() -> {
            asked.incrementAndGet();
            return answer.get();
        }, nanos::get);

        assertThatThrownBy(clock::currentTimeNanos).isInstanceOf(IllegalStateException.class);
        CompletableFuture<Void> ready = clock.ready();
        assertThat(asked).hasValue(1);
        assertThat(ready).isNotDone();
        assertThatThrownBy(clock::currentTimeNanos).isInstanceOf(IllegalStateException.class);

        // the server's clock is an hour behind this JVM's monotonic reading; answered 1 ms after asking
        nanos.addAndGet(MS);
        long server = 1_000_000_000L + MS / 2 - HOUR_NANOS;
        answer.get().complete(server / 1_000L);
        assertThat(ready).isCompleted();
        assertThat(clock.currentTimeNanos()).isEqualTo(server / 1_000L * 1_000L + MS / 2);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(3)); // follows this JVM's monotonic clock between measurements
        assertThat(clock.currentTimeNanos()).isEqualTo(server / 1_000L * 1_000L + MS / 2 + TimeUnit.SECONDS.toNanos(3));
        assertThat(asked).hasValue(1);
    }

    @Test
    void should_ask_again_when_the_first_measurement_failed() {
        AtomicReference<CompletableFuture<Long>> answer = new AtomicReference<>(
                CompletableFuture.failedFuture(new IllegalStateException("Redis is down")));
        ServerClock clock = new ServerClock(answer::get, () -> 0L);
        assertThat(clock.ready()).isCompletedExceptionally();

        answer.set(CompletableFuture.completedFuture(5_000_000L));
        assertThat(clock.ready()).isCompleted();
        assertThat(clock.currentTimeNanos()).isEqualTo(5_000_000_000L);
    }

    @Test
    void should_keep_the_offset_when_a_later_answer_comes_late_or_jumps() {
        AtomicLong nanos = new AtomicLong();
        ServerClock clock = new ServerClock(() -> CompletableFuture.completedFuture(0L), nanos::get);
        clock.ready().join();
        long first = clock.currentTimeNanos();

        // a command run only when Redis came back from a 4 s stall: its offset is ~2 s ahead; refused
        clock.offer(TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(14), TimeUnit.SECONDS.toMicros(14));
        nanos.set(TimeUnit.SECONDS.toNanos(14));
        assertThat(clock.currentTimeNanos() - first).isEqualTo(TimeUnit.SECONDS.toNanos(14));

        // a quick answer that jumps a second ahead: refused once, kept when the next one agrees with it
        clock.offer(nanos.get(), nanos.get() + MS, TimeUnit.SECONDS.toMicros(15));
        assertThat(clock.currentTimeNanos() - first).isEqualTo(TimeUnit.SECONDS.toNanos(14));
        nanos.set(TimeUnit.SECONDS.toNanos(20));
        clock.offer(nanos.get(), nanos.get() + MS, TimeUnit.SECONDS.toMicros(21));
        assertThat(clock.currentTimeNanos() - first).isEqualTo(TimeUnit.SECONDS.toNanos(21) - MS / 2);
    }

    @Test
    void should_keep_the_sample_with_the_smaller_error() {
        AtomicLong nanos = new AtomicLong();
        ServerClock clock = new ServerClock(() -> CompletableFuture.completedFuture(0L), nanos::get);
        clock.ready().join(); // a round trip of zero: offset 0 exactly
        // a later sample 200 us off, with a 1 ms round trip: within the errors, but less precise; the first stays
        clock.offer(MS, 2 * MS, (MS + MS / 2 + 200_000) / 1_000);
        assertThat(clock.currentTimeNanos()).isEqualTo(0L);
    }

    @Test
    void should_read_redis_time_on_the_master_when_it_reads_the_real_server() {
        RedissonClient redisson = RedisServer.client();
        try {
            ServerClock clock = ServerClock.of(((Redisson) redisson).getCommandExecutor(), "test:clock");
            clock.ready().orTimeout(5, TimeUnit.SECONDS).join();
            // a Redis on this machine has this machine's wall clock: the reading (seconds and microseconds of
            // TIME) agrees with it within the round trip
            long local = System.currentTimeMillis() * 1_000_000L;
            assertThat(Math.abs(clock.currentTimeNanos() - local)).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
            Awaitility.await().atMost(Duration.ofSeconds(1)).until(clock::calibrated);
        } finally {
            redisson.shutdown();
        }
    }
}
