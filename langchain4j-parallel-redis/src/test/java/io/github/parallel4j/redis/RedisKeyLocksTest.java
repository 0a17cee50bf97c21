package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
 * Keyed-write locks in Redis across clients (as across JVMs): a lock held past many leases stays held while its
 * holder lives, read holds included (a reader that leaves does not end another's read), a lock is renewed only
 * for its owner, a Redis error part-way through a call's keys gives back the keys taken so far, and Redis keys of
 * distinct names never collide.
 */
class RedisKeyLocksTest {

    /** The lock watchdog's timeout of the test clients: a lock not renewed ends this long after its last renewal. */
    private static final long WATCHDOG_MILLIS = 600;
    /** Well past the watchdog's timeout: a lock that was not really renewed has ended by then. */
    private static final Duration PAST_SEVERAL_LEASES = Duration.ofMillis(4 * WATCHDOG_MILLIS);
    private static final Duration LEASE = Duration.ofMillis(300);

    private static RedissonClient jvm1;
    private static RedissonClient jvm2;
    private static RedissonClient jvm3;

    @BeforeAll
    static void connect() {
        String address = RedisServer.address();
        jvm1 = RedisServer.client(address, WATCHDOG_MILLIS);
        jvm2 = RedisServer.client(address, WATCHDOG_MILLIS);
        jvm3 = RedisServer.client(address, WATCHDOG_MILLIS);
    }

    @AfterAll
    static void disconnect() {
        for (RedissonClient each : new RedissonClient[] {jvm1, jvm2, jvm3}) {
            if (each != null) {
                each.shutdown();
            }
        }
    }

    private static RedisSharedLimits limits(RedissonClient client, String namespace) {
        return RedisSharedLimits.builder(client).namespace(namespace).keyedWrites(true).build();
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Optional<SharedLimits.Lease> tryLock(SharedLimits limits, String key, boolean write)
            throws Exception {
        return get(limits.lock(List.of(key), List.of(write), Duration.ZERO, LEASE));
    }

    /** Renews as the library does while the call holds the lease (at a third of the lease here). */
    private static boolean renewed(SharedLimits.Lease lease) throws Exception {
        return get(lease.renew(LEASE));
    }

    @Test
    void should_keep_a_keyed_write_lock_past_several_leases_while_its_holder_lives() throws Exception {
        String ns = "locks-" + UUID.randomUUID();
        SharedLimits one = limits(jvm1, ns);
        SharedLimits two = limits(jvm2, ns);
        SharedLimits.Lease write = tryLock(one, "order:1", true).orElseThrow();

        // every check over several leases finds the key still held: another JVM cannot write or read it
        await().during(PAST_SEVERAL_LEASES).atMost(PAST_SEVERAL_LEASES.multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> renewed(write) && tryLock(two, "order:1", true).isEmpty()
                        && tryLock(two, "order:1", false).isEmpty());
        assertThat(get(write.renew(LEASE))).as("still ours").isTrue();

        get(write.release());
        SharedLimits.Lease next = tryLock(two, "order:1", true).orElseThrow();
        get(next.release());
    }

    @Test
    void should_keep_a_read_hold_when_another_reader_of_the_key_leaves_after_several_leases() throws Exception {
        String ns = "locks-" + UUID.randomUUID();
        SharedLimits a = limits(jvm1, ns);
        SharedLimits b = limits(jvm2, ns);
        SharedLimits c = limits(jvm3, ns);
        SharedLimits.Lease readA = tryLock(a, "order:1", false).orElseThrow();
        SharedLimits.Lease readB = tryLock(b, "order:1", false).orElseThrow();

        await().during(PAST_SEVERAL_LEASES).atMost(PAST_SEVERAL_LEASES.multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> renewed(readA) && renewed(readB) && tryLock(c, "order:1", true).isEmpty());
        get(readB.release()); // Redisson recomputes the key's lifetime from the read holds still alive

        assertThat(tryLock(c, "order:1", true)).as("A still reads order:1: no writer may start").isEmpty();
        assertThat(get(readA.renew(LEASE))).isTrue();
        get(readA.release());
        SharedLimits.Lease write = tryLock(c, "order:1", true).orElseThrow();
        get(write.release());
    }

    @Test
    void should_answer_a_renewal_of_a_lock_that_is_no_longer_ours_with_false() throws Exception {
        String ns = "locks-" + UUID.randomUUID();
        RedisSharedLimits one = limits(jvm1, ns);
        SharedLimits.Lease write = tryLock(one, "order:1", true).orElseThrow();
        jvm2.getKeys().delete(one.key("lock", "order:1")); // as if it had run out, or Redis lost it
        SharedLimits.Lease theirs = tryLock(limits(jvm2, ns), "order:1", true).orElseThrow();

        // a plain EXPIRE would extend the other JVM's lock and answer true
        assertThat(get(write.renew(LEASE))).isFalse();
        get(write.release());
        get(theirs.release());
    }

    @Test
    void should_give_back_the_keys_taken_when_redis_fails_on_a_later_key() throws Exception {
        String ns = "locks-" + UUID.randomUUID();
        RedisSharedLimits one = limits(jvm1, ns);
        RedisSharedLimits two = limits(jvm2, ns);
        // not a lock's hash: Redis answers the lock script of this key with WRONGTYPE
        jvm1.getBucket(one.key("lock", "order:2")).set("not a lock");

        assertThatThrownBy(() -> get(one.lock(List.of("order:1", "order:2"), List.of(true, true), Duration.ZERO,
                LEASE))).hasStackTraceContaining("WRONGTYPE");
        // before the fix, order:1 stayed locked until its lease ended
        SharedLimits.Lease free = tryLock(two, "order:1", true).orElseThrow();
        get(free.release());
    }

    @Test
    void should_never_give_distinct_names_one_redis_key() {
        RedisSharedLimits colon = RedisSharedLimits.builder(jvm1).namespace("a:lock").build();
        RedisSharedLimits plain = RedisSharedLimits.builder(jvm1).namespace("a").build();
        assertThat(colon.key("permits", "x")).isNotEqualTo(plain.key("lock", "permits:x"));
        assertThat(plain.bucketKey("rate:jira%3Aacme")).isNotEqualTo(plain.bucketKey("rate:jira:acme"));
        assertThat(plain.key("lock", "{order}:1")).doesNotContain("{", "}");
    }
}
