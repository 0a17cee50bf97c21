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
}
