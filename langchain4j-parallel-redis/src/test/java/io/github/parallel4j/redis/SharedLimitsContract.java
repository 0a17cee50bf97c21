package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SharedLimits} backend must do, as Bucket4j's TCK does for its proxy managers: each backend
 * subclasses it ({@link InJvmSharedLimitsContractTest}, {@link RedisSharedLimitsContractTest}). The limits seen
 * through {@code ParallelTools} are checked on both backends by {@link SharedLimitsThroughParallelToolsContract}.
 */
abstract class SharedLimitsContract {

    /** @return a fresh backend, sharing nothing with the ones made before */
    abstract SharedLimits limits();

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void should_grant_at_most_capacity_permits_until_one_is_released() throws Exception {
        SharedLimits limits = limits();
        List<SharedLimits.Lease> held = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            held.add(get(limits.acquire("vendor", 3, Duration.ZERO, LEASE)).orElseThrow());
        }
        assertThat(get(limits.acquire("vendor", 3, Duration.ofMillis(50), LEASE))).isEmpty();
        assertThat(get(limits.inFlight("vendor"))).isEqualTo(3);

        get(held.remove(0).release());

        assertThat(get(limits.acquire("vendor", 3, Duration.ZERO, LEASE))).isPresent();
    }

    @Test
    void should_hand_a_released_permit_to_a_waiting_request() throws Exception {
        SharedLimits limits = limits();
        SharedLimits.Lease first = get(limits.acquire("vendor", 1, Duration.ZERO, LEASE)).orElseThrow();
        CompletableFuture<Optional<SharedLimits.Lease>> waiting =
                limits.acquire("vendor", 1, Duration.ofSeconds(10), LEASE).toCompletableFuture();
        assertThat(waiting).isNotDone();

        get(first.release());

        assertThat(get(waiting)).isPresent();
    }

    @Test
    void should_ignore_a_second_release_of_one_permit() throws Exception {
        SharedLimits limits = limits();
        SharedLimits.Lease lease = get(limits.acquire("vendor", 1, Duration.ZERO, LEASE)).orElseThrow();
        get(lease.release());
        get(lease.release());
        SharedLimits.Lease other = get(limits.acquire("vendor", 1, Duration.ZERO, LEASE)).orElseThrow();

        assertThat(get(limits.acquire("vendor", 1, Duration.ZERO, LEASE))).isEmpty();
        assertThat(get(other.renew(LEASE))).isTrue();
    }

    @Test
    void should_keep_a_renewed_permit_past_its_first_lease() throws Exception {
        SharedLimits limits = limits();
        SharedLimits.Lease lease = get(limits.acquire("vendor", 1, Duration.ZERO, Duration.ofMillis(300))).orElseThrow();

        assertThat(get(lease.renew(Duration.ofSeconds(30)))).isTrue();

        // checked again and again until well past the first lease (300 ms): the permit stays taken throughout
        org.awaitility.Awaitility.await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> get(limits.acquire("vendor", 1, Duration.ZERO, LEASE)).isEmpty());
        assertThat(get(limits.inFlight("vendor"))).isEqualTo(1);
    }

    @Test
    void should_keep_integrations_apart() throws Exception {
        SharedLimits limits = limits();
        get(limits.acquire("a", 1, Duration.ZERO, LEASE)).orElseThrow();

        assertThat(get(limits.acquire("b", 1, Duration.ZERO, LEASE))).isPresent();
    }

    @Test
    void should_take_tokens_up_to_the_capacity_then_say_when_the_next_comes() throws Exception {
        SharedLimits limits = limits();
        List<Bandwidth> rate = List.of(Bandwidth.builder().capacity(3).refillGreedy(3, Duration.ofMinutes(1)).build());
        for (int k = 0; k < 3; k++) {
            assertThat(get(limits.consume("rate:vendor", rate))).isZero();
        }
        long wait = get(limits.consume("rate:vendor", rate));
        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20).toNanos());

        get(limits.refund("rate:vendor", rate));

        assertThat(get(limits.consume("rate:vendor", rate))).isZero();
        assertThat(get(limits.consume("rate:other", rate))).isZero();
    }

    @Test
    void should_let_reads_share_a_key_and_a_write_exclude_both() throws Exception {
        SharedLimits limits = limits();
        SharedLimits.Lease read1 = get(limits.lock(List.of("order:1"), List.of(false), Duration.ZERO, LEASE))
                .orElseThrow();
        SharedLimits.Lease read2 = get(limits.lock(List.of("order:1"), List.of(false), Duration.ZERO, LEASE))
                .orElseThrow();
        assertThat(get(limits.lock(List.of("order:1"), List.of(true), Duration.ofMillis(50), LEASE))).isEmpty();
        get(read1.release());
        get(read2.release());

        SharedLimits.Lease write = get(limits.lock(List.of("order:0", "order:1"), List.of(false, true), Duration.ZERO,
                LEASE)).orElseThrow();
        assertThat(get(limits.lock(List.of("order:1"), List.of(false), Duration.ofMillis(50), LEASE))).isEmpty();
        assertThat(get(limits.lock(List.of("order:0"), List.of(false), Duration.ZERO, LEASE))).isPresent();
        get(write.release());

        assertThat(get(limits.lock(List.of("order:1"), List.of(true), Duration.ZERO, LEASE))).isPresent();
    }

    @Test
    void should_hold_nothing_when_a_later_key_does_not_come() throws Exception {
        SharedLimits limits = limits();
        get(limits.lock(List.of("order:2"), List.of(true), Duration.ZERO, LEASE)).orElseThrow();

        assertThat(get(limits.lock(List.of("order:1", "order:2"), List.of(true, true), Duration.ofMillis(50), LEASE)))
                .isEmpty();

        assertThat(get(limits.lock(List.of("order:1"), List.of(true), Duration.ZERO, LEASE))).isPresent();
    }
}
