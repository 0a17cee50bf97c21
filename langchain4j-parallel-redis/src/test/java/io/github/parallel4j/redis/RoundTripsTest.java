package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * How many round trips to Redis a call with a cap and a rate makes, counted by a proxy in front of Redis
 * ({@link CountingProxy}): the target is two before the call starts. Calls one after another: concurrent
 * calls of one JVM share one prefetched bucket state, so some of them make three (see the docs).
 */
class RoundTripsTest {

    private static final int CALLS = 50;
    private static final List<Bandwidth> RATE = List.of(Bandwidth.builder().capacity(1_000_000)
            .refillGreedy(1_000_000, Duration.ofSeconds(1)).build());

    @Test
    void should_take_a_permit_and_a_token_in_two_round_trips_when_both_are_there() throws Exception {
        try (CountingProxy proxy = new CountingProxy(RedisServer.address())) {
            Config config = new Config();
            config.useSingleServer().setAddress("redis://" + proxy.address()).setPingConnectionInterval(0)
                    .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                    .setSubscriptionConnectionMinimumIdleSize(0);
            RedissonClient redisson = Redisson.create(config);
            try {
                SharedLimits limits = RedisSharedLimits.builder(redisson).namespace("trips-" + UUID.randomUUID())
                        .build();
                admitAndRelease(limits); // sizes the semaphore and makes the bucket: once per JVM
                admitAndRelease(limits);

                // a measurement of Redis's clock (every 10 s) is a round trip of its own, off the calls' count
                long before = proxy.roundTrips() - proxy.clockReads();
                long admitting = 0;
                for (int i = 0; i < CALLS; i++) {
                    long start = proxy.roundTrips() - proxy.clockReads();
                    SharedLimits.Lease lease = admit(limits);
                    admitting += proxy.roundTrips() - proxy.clockReads() - start;
                    lease.release().toCompletableFuture().get(5, TimeUnit.SECONDS);
                }
                long all = proxy.roundTrips() - proxy.clockReads() - before;

                assertThat(admitting).as("round trips before %d calls start", CALLS).isEqualTo(2L * CALLS);
                assertThat(all).as("round trips of %d calls, with their releases", CALLS).isEqualTo(3L * CALLS);
            } finally {
                redisson.shutdown();
            }
        }
    }

    private static void admitAndRelease(SharedLimits limits) throws Exception {
        admit(limits).release().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static SharedLimits.Lease admit(SharedLimits limits) throws Exception {
        SharedLimits.Lease lease = limits.acquire("vendor", 8, Duration.ZERO, Duration.ofSeconds(30))
                .toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(limits.consume("rate:vendor", RATE).toCompletableFuture().get(5, TimeUnit.SECONDS)).isZero();
        return lease;
    }
}
