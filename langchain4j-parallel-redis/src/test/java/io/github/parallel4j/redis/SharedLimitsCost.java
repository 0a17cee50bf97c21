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
 * one call after another, as the library asks for them (two round trips and the release); the same three steps
 * unbatched, straight on Redisson and Bucket4j (three and the release), interleaved with it; and the in-JVM backend. Not
 * a test: build the class path with {@code mvn -B -ntp -q -pl langchain4j-parallel-redis -am test-compile
 * dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}, then run
 * {@code java -Dparallel4j.redis=host:port -cp <test-classes:classes:cp.txt> io.github.parallel4j.redis.SharedLimitsCost}
 * (docs/benchmarks.md has the whole command; without {@code -Dparallel4j.redis}, a
 * redis-server on the PATH). Numbers in docs/benchmarks.md.
 */
public final class SharedLimitsCost {

    private static final int WARMUP = 2_000;
    private static final int CALLS = 5_000;

    public static void main(String[] args) throws Exception {
        RedissonClient redisson = RedisServer.client();
        try {
            for (int round = 0; round < 3; round++) { // interleaved: the machine's load falls on both alike
                measure("redis", RedisSharedLimits.builder(redisson).namespace("cost-" + UUID.randomUUID()).build());
                measureUnbatched(redisson);
            }
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
        System.out.printf("%-7s cap + rate + release, per call: median %.0f us, p99 %.0f us (%d calls, one at a time%s)%n",
                name, nanos[CALLS / 2] / 1e3, nanos[CALLS * 99 / 100] / 1e3, CALLS,
                name.equals("redis") ? "; batched: 2 + 1 round trips" : "");
    }

    /**
     * The same three steps as before the batch, straight on Redisson and Bucket4j: the permit, then Bucket4j's read
     * and compare-and-swap, then the release (three round trips before the call, one after).
     */
    private static void measureUnbatched(RedissonClient redisson) throws Exception {
        String namespace = "cost-" + UUID.randomUUID();
        org.redisson.api.RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore(namespace
                + ":permits:vendor");
        semaphore.trySetPermits(64);
        io.github.bucket4j.distributed.proxy.ProxyManager<String> buckets = io.github.bucket4j.redis.redisson
                .Bucket4jRedisson.casBasedBuilder(((org.redisson.Redisson) redisson).getCommandExecutor()).build();
        io.github.bucket4j.BucketConfiguration configuration = io.github.bucket4j.BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1))
                        .build()).build();
        io.github.bucket4j.distributed.AsyncBucketProxy bucket = buckets.asAsync().builder()
                .build(namespace + ":rate:vendor", () -> java.util.concurrent.CompletableFuture.completedFuture(
                        configuration));
        long[] nanos = new long[CALLS];
        for (int i = 0; i < WARMUP + CALLS; i++) {
            long start = System.nanoTime();
            String id = semaphore.tryAcquireAsync(0, 30_000, TimeUnit.MILLISECONDS).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            if (!bucket.tryConsume(1).get(5, TimeUnit.SECONDS) || id == null) {
                throw new IllegalStateException("no token or permit");
            }
            semaphore.tryReleaseAsync(id).toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (i >= WARMUP) {
                nanos[i - WARMUP] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("%-7s cap + rate + release, per call: median %.0f us, p99 %.0f us (%d calls, one at a time;"
                + " unbatched: 3 + 1 round trips)%n", "redis", nanos[CALLS / 2] / 1e3, nanos[CALLS * 99 / 100] / 1e3,
                CALLS);
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
