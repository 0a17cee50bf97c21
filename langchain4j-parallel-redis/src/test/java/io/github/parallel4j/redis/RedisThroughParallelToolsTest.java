package io.github.parallel4j.redis;

import io.github.parallel4j.SharedLimits;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.redisson.api.RedissonClient;

/** The limits through {@code ParallelTools} on Redis, each test in a namespace of its own. */
class RedisThroughParallelToolsTest extends SharedLimitsThroughParallelToolsContract {

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

    @Override
    SharedLimits limits() {
        return RedisSharedLimits.builder(redisson).namespace("through-" + UUID.randomUUID()).build();
    }

    @org.junit.jupiter.api.Test
    void should_pause_another_jvm_when_one_sees_a_429() throws Exception {
        // two backends on two clients, one namespace: two JVMs' subscriptions and connections
        RedissonClient other = RedisServer.client();
        try {
            String namespace = "pause-" + UUID.randomUUID();
            org.redisson.api.RTopic pauses = redisson.getTopic(namespace + ":pauses");
            pausesEveryInstance(RedisSharedLimits.builder(redisson).namespace(namespace).build(),
                    RedisSharedLimits.builder(other).namespace(namespace).build(),
                    () -> org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                            .until(() -> pauses.countSubscribers() == 1)); // b's; a subscribes on its first call
        } finally {
            other.shutdown();
        }
    }
}
