package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A call that holds its key locks while it waits for a permit keeps them: their lease is renewed from the moment
 * it is held, not only once every step is granted; and a step after the shared limits that throws is an outcome.
 */
class SharedHoldRenewalTest {

    /** Locks at once; permits only once the lock has been renewed (a wait longer than the lock's lease). */
    static final class WaitingLimits implements SharedLimits {
        final AtomicInteger lockRenewals = new AtomicInteger();
        final AtomicInteger permitAsks = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();

        @Override
        public String backend() {
            return "test";
        }

        @Override
        public OnFailure onFailure() {
            return OnFailure.REFUSE;
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration leaseMargin() {
            return Duration.ofMillis(20);
        }

        @Override
        public boolean sharesKeyedWrites() {
            return true;
        }

        @Override
        public CompletionStage<Optional<Lease>> acquire(String integration, int capacity, Duration maxWait,
                Duration lease) {
            permitAsks.incrementAndGet();
            if (lockRenewals.get() > 0) {
                return CompletableFuture.completedFuture(Optional.of(lease(null)));
            }
            // busy: the backend waits (a short window here) and answers that none came
            return CompletableFuture.supplyAsync(Optional::empty,
                    CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
        }

        @Override
        public CompletionStage<Long> consume(String bucket, List<Bandwidth> bandwidths) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public CompletionStage<Void> refund(String bucket, List<Bandwidth> bandwidths) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Lease>> lock(List<String> keys, List<Boolean> writes, Duration maxWait,
                Duration lease) {
            return CompletableFuture.completedFuture(Optional.of(lease(lockRenewals)));
        }

        private Lease lease(AtomicInteger renewals) {
            return new Lease() {
                @Override
                public CompletionStage<Boolean> renew(Duration lease) {
                    if (renewals != null) {
                        renewals.incrementAndGet();
                    }
                    return CompletableFuture.completedFuture(true);
                }

                @Override
                public CompletionStage<Void> release() {
                    released.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }
            };
        }

        @Override
        public CompletionStage<Integer> inFlight(String integration) {
            return CompletableFuture.completedFuture(0);
        }
    }

    private static SharedHold hold(WaitingLimits limits) {
        Ticker ticker = Ticker.system();
        long deadline = ticker.read() + TimeUnit.MILLISECONDS.toNanos(100); // lease: 100 ms + 20 ms margin
        return new SharedHold(new SharedBackend(limits), "vendor", 1, List.of(), List.of("order:1"), List.of(true),
                deadline, ticker, Optional.of(Duration.ofMillis(10)));
    }

    @Test
    void should_renew_a_held_lock_while_the_call_waits_for_its_permit() throws Exception {
        WaitingLimits limits = new WaitingLimits();
        SharedHold hold = hold(limits);
        CountDownLatch granted = new CountDownLatch(1);
        AtomicReference<LimitRefusal> refusal = new AtomicReference<>();

        hold.start(granted::countDown, refusal::set);

        // Before the fix the lock was renewed only once every step was granted: the permit never came.
        assertThat(granted.await(5, TimeUnit.SECONDS)).as("granted after the lock was renewed, refusal: %s",
                refusal.get()).isTrue();
        assertThat(limits.lockRenewals.get()).isPositive();
        assertThat(limits.permitAsks.get()).as("the permit was busy for longer than the lock's first lease")
                .isGreaterThan(1);
        hold.release();
        assertThat(limits.released.get()).isEqualTo(2);
    }

    @Test
    void should_answer_a_call_whose_next_step_throws_with_a_refusal_and_release_what_it_held() throws Exception {
        WaitingLimits limits = new WaitingLimits();
        limits.lockRenewals.set(1); // the permit is free at once
        SharedHold hold = hold(limits);
        CompletableFuture<LimitRefusal> refusal = new CompletableFuture<>();

        hold.start(() -> {
            throw new IllegalStateException("a broken continuation");
        }, refusal::complete);

        assertThat(refusal.get(5, TimeUnit.SECONDS).code()).isEqualTo(io.github.parallel4j.ErrorCode.TOOL_ERROR);
        assertThat(limits.released.get()).isEqualTo(2);
    }
}
