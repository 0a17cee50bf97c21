package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * The bucket read batched with a permit is a guess: when another JVM takes a token between that read and the
 * compare-and-swap, the swap fails and Bucket4j reads again, so the rate is never exceeded.
 */
class PrefetchedRateTest {

    private static final int TOKENS = 5;
    private static final List<Bandwidth> RATE = List.of(Bandwidth.builder().capacity(TOKENS)
            .refillGreedy(TOKENS, Duration.ofHours(1)).build());

    private static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        redisson = RedisServer.client();
    }

    @AfterAll
    static void disconnect() {
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    @Test
    void should_never_take_more_tokens_than_the_rate_when_the_batched_read_is_stale() throws Exception {
        String namespace = "prefetch-" + UUID.randomUUID();
        // two JVMs: two backends of one namespace
        RedisSharedLimits a = RedisSharedLimits.builder(redisson).namespace(namespace).build();
        SharedLimits b = RedisSharedLimits.builder(redisson).namespace(namespace).build();
        int taken = 0;
        // each has used the rate once: from now on its permits come with a read of the bucket
        taken += consume(a) ? 1 : 0;
        taken += consume(b) ? 1 : 0;
        for (int round = 0; round < TOKENS; round++) {
            SharedLimits.Lease lease = acquire(a); // reads the bucket with the permit
            taken += consume(b) ? 1 : 0; // the other JVM takes a token after that read
            taken += consume(a) ? 1 : 0; // swaps against a stale read: fails, reads again
            lease.release().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        assertThat(taken).isEqualTo(TOKENS);
        // the stale read was really used (not dropped as too old, which would make the test pass vacuously)
        assertThat(a.prefetchHits()).isPositive();
    }

    private static SharedLimits.Lease acquire(SharedLimits limits) throws Exception {
        Optional<SharedLimits.Lease> lease = limits.acquire("vendor", 4, Duration.ZERO, Duration.ofSeconds(30))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        return lease.orElseThrow();
    }

    private static boolean consume(SharedLimits limits) throws Exception {
        return limits.consume("rate:vendor", RATE).toCompletableFuture().get(5, TimeUnit.SECONDS) == 0;
    }
}
