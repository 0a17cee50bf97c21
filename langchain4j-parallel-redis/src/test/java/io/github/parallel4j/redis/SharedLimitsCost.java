package io.github.parallel4j.redis;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;

/**
 * The cost of a shared permit on loopback Redis, per call: a permit (cap), a token (rate) and the permit's release,
 * one call after another, as the library asks for them; and the same through the in-JVM backend for comparison. Not
 * a test: {@code mvn -q -pl langchain4j-parallel-redis -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.parallel4j.redis.SharedLimitsCost} (with {@code -Dparallel4j.redis=host:port}, or a
 * redis-server on the PATH). Numbers in docs/benchmarks.md.
 */
public final class SharedLimitsCost {

    private static final int WARMUP = 2_000;
    private static final int CALLS = 5_000;

    public static void main(String[] args) throws Exception {
        RedissonClient redisson = RedisServer.client();
        try {
            measure("redis", RedisSharedLimits.builder(redisson).namespace("cost-" + UUID.randomUUID()).build());
            measure("in-jvm", SharedLimits.inJvm());
        } finally {
            redisson.shutdown();
            System.exit(0);
        }
    }

    private static void measure(String name, SharedLimits limits) throws Exception {
        List<Bandwidth> rate = List.of(Bandwidth.builder().capacity(1_000_000)
                .refillGreedy(1_000_000, Duration.ofSeconds(1)).build());
        for (int i = 0; i < WARMUP; i++) {
            one(limits, rate);
        }
        long[] nanos = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            long start = System.nanoTime();
            one(limits, rate);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("%-7s cap + rate + release, per call: median %.0f us, p99 %.0f us (%d calls, one at a time)%n",
                name, nanos[CALLS / 2] / 1e3, nanos[CALLS * 99 / 100] / 1e3, CALLS);
    }

    private static void one(SharedLimits limits, List<Bandwidth> rate) throws Exception {
        SharedLimits.Lease lease = limits.acquire("vendor", 64, Duration.ZERO, Duration.ofSeconds(30))
                .toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow();
        long wait = limits.consume("rate:vendor", rate).toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (wait != 0) {
            throw new IllegalStateException("no token");
        }
        lease.release().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
