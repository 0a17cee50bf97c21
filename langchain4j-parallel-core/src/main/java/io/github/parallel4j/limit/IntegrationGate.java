package io.github.parallel4j.limit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.schedule.CallFailure;
import io.github.parallel4j.schedule.CallGate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Applies {@link IntegrationLimits}: a fair semaphore per capped integration, then a Bucket4j bucket per rated
 * one. The slot is taken first, so a call that cannot get a slot in time consumes no rate permit; a rate permit
 * is only reserved when it can come before the turn's deadline (Bucket4j's bounded {@code tryConsume}).
 *
 * <p>Thread-safe; one gate serves every turn of a {@code ParallelTools}.
 */
public final class IntegrationGate implements CallGate {

    private final Map<String, Limiter> limiters;

    /**
     * @param limits limits by integration name
     */
    public IntegrationGate(Map<String, IntegrationLimits> limits) {
        Map<String, Limiter> byName = new HashMap<>();
        limits.forEach((name, l) -> byName.put(name, new Limiter(name, l)));
        this.limiters = Map.copyOf(byName);
    }

    @Override
    public Permit admit(PlannedCall call, long deadlineNanos, Ticker ticker) throws CallFailure, InterruptedException {
        String integration = call.policy() == null ? null : call.policy().integration().orElse(null);
        Limiter limiter = integration == null ? null : limiters.get(integration);
        return limiter == null ? () -> {} : limiter.admit(deadlineNanos, ticker);
    }

    /**
     * How many calls to an integration run now.
     *
     * @param integration the integration's name
     * @return the number of calls holding a slot, 0 when it is not capped
     */
    public int inFlight(String integration) {
        Limiter limiter = limiters.get(integration);
        return limiter == null || limiter.slots == null ? 0 : limiter.max - limiter.slots.availablePermits();
    }

    private static final class Limiter {

        final String name;
        final int max;
        final Semaphore slots;
        final Bucket bucket;

        Limiter(String name, IntegrationLimits limits) {
            this.name = name;
            this.max = limits.maxConcurrent().orElse(0);
            this.slots = limits.maxConcurrent().isPresent() ? new Semaphore(max, true) : null;
            if (limits.rates().isEmpty()) {
                this.bucket = null;
            } else {
                LocalBucketBuilder builder = Bucket.builder();
                for (IntegrationLimits.Rate rate : limits.rates()) {
                    builder.addLimit(Bandwidth.builder()
                            .capacity(rate.permits())
                            .refillGreedy(rate.permits(), rate.period())
                            .build());
                }
                this.bucket = builder.build();
            }
        }

        Permit admit(long deadlineNanos, Ticker ticker) throws CallFailure, InterruptedException {
            if (slots != null) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    slots.acquire();
                } else if (!slots.tryAcquire(Math.max(0, deadlineNanos - ticker.read()), TimeUnit.NANOSECONDS)) {
                    throw new CallFailure(ErrorCode.BUDGET_EXCEEDED, "no free slot of integration '" + name
                            + "' (at most " + max + " calls at once) before the turn's budget ran out; the call did"
                            + " not run", null);
                }
            }
            try {
                if (bucket != null && deadlineNanos == Long.MAX_VALUE) {
                    bucket.asBlocking().consume(1);
                } else if (bucket != null) {
                    long wait = deadlineNanos - ticker.read();
                    if (wait <= 0 || !bucket.asBlocking().tryConsume(1, Duration.ofNanos(wait))) {
                        throw new CallFailure(ErrorCode.RATE_LIMITED, "integration '" + name
                                + "' is rate limited and no permit would come before the turn's budget runs out;"
                                + " the call did not run", null);
                    }
                }
            } catch (CallFailure | InterruptedException | RuntimeException e) {
                if (slots != null) {
                    slots.release();
                }
                throw e;
            }
            return slots == null ? () -> {} : slots::release;
        }
    }
}
