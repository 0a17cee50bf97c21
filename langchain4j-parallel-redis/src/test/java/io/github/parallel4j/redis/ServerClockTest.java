package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** Rates on Redis's clock: a fake server and fake local clocks, then the real Redis. */
class ServerClockTest {

    private static final long HOUR_MICROS = TimeUnit.HOURS.toMicros(1);

    @Test
    void should_read_the_servers_clock_not_this_jvms_when_they_differ() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        long wallMillis = 1_700_000_000_000L;
        AtomicReference<CompletableFuture<Long>> answer = new AtomicReference<>(new CompletableFuture<>());
        AtomicInteger asked = new AtomicInteger();
        ServerClock clock = new ServerClock(() -> {
            asked.incrementAndGet();
            return answer.get();
        }, nanos::get, () -> wallMillis);

        assertThat(asked).hasValue(1); // asked when made
        assertThat(clock.currentTimeNanos()).isEqualTo(wallMillis * 1_000_000L); // not answered yet: its own
        // the server's clock is an hour ahead of this JVM's
        answer.get().complete(wallMillis * 1_000L + HOUR_MICROS);
        assertThat(clock.calibrated()).isTrue();
        assertThat(clock.currentTimeNanos()).isEqualTo((wallMillis * 1_000L + HOUR_MICROS) * 1_000L);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(3)); // follows this JVM's monotonic clock between measurements
        assertThat(clock.currentTimeNanos())
                .isEqualTo((wallMillis * 1_000L + HOUR_MICROS) * 1_000L + TimeUnit.SECONDS.toNanos(3));
        assertThat(asked).hasValue(1);

        // 10 s on: measured again; the server's clock went 1 ms back (an NTP step): readings do not go back
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(7));
        long before = clock.currentTimeNanos();
        assertThat(asked).hasValue(2);
        answer.get().complete(wallMillis * 1_000L + HOUR_MICROS + TimeUnit.SECONDS.toMicros(10) - 1_000);
        assertThat(clock.currentTimeNanos()).isEqualTo(before);
    }

    @Test
    void should_keep_the_last_offset_when_the_server_does_not_answer() {
        AtomicLong nanos = new AtomicLong();
        AtomicReference<CompletableFuture<Long>> answer = new AtomicReference<>(CompletableFuture.completedFuture(
                5_000_000L));
        ServerClock clock = new ServerClock(answer::get, nanos::get, () -> 0L);
        assertThat(clock.currentTimeNanos()).isEqualTo(5_000_000_000L);

        answer.set(CompletableFuture.failedFuture(new IllegalStateException("Redis is down")));
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(11));
        assertThat(clock.currentTimeNanos()).isEqualTo(5_000_000_000L + TimeUnit.SECONDS.toNanos(11));
    }

    @Test
    void should_read_redis_time_when_it_reads_the_real_server() throws Exception {
        RedissonClient redisson = RedisServer.client();
        try {
            ServerClock clock = ServerClock.of(redisson);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(clock::calibrated);
            // a Redis on this machine has this machine's wall clock: the reading (seconds and microseconds of
            // TIME) agrees with it within the round trip
            long local = System.currentTimeMillis() * 1_000_000L;
            assertThat(Math.abs(clock.currentTimeNanos() - local)).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
        } finally {
            redisson.shutdown();
        }
    }
}
