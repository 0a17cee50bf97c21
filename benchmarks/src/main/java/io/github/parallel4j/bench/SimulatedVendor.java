package io.github.parallel4j.bench;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A vendor that enforces a token-bucket rate limit (capacity {@code permits}, refilled greedily {@code permits}
 * per {@code period}, as API gateways do) and answers every request beyond it with 429 and a Retry-After. It
 * counts the 429s it sent.
 *
 * <p>Thread-safe.
 */
final class SimulatedVendor {

    /** How often a naive client tries before it gives up. */
    static final int NAIVE_ATTEMPTS = 20;

    private final Bucket bucket;
    private final int latencyMillis;
    private final int naiveRetryMillis;
    private final AtomicInteger tooManyRequests = new AtomicInteger();

    /**
     * @param permits the bucket's capacity and refill
     * @param period the refill period
     * @param latencyMillis how long an accepted request takes
     */
    SimulatedVendor(int permits, Duration period, int latencyMillis) {
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(permits).refillGreedy(permits, period).build())
                .build();
        this.latencyMillis = latencyMillis;
        this.naiveRetryMillis = Math.max(1, latencyMillis);
    }

    /** @return 0 when the request is accepted, else the nanoseconds until it would be (its Retry-After) */
    long request() {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        tooManyRequests.incrementAndGet();
        return Math.max(1, probe.getNanosToWaitForRefill());
    }

    int latencyMillis() {
        return latencyMillis;
    }

    int naiveRetryMillis() {
        return naiveRetryMillis;
    }

    /** @return the 429s sent so far */
    int tooManyRequests() {
        return tooManyRequests.get();
    }
}
