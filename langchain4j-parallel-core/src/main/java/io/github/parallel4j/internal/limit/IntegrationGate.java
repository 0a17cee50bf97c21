package io.github.parallel4j.internal.limit;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.UninterruptibleBlockingStrategy;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.caffeine.CaffeineProxyManager;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Applies {@link IntegrationLimits} and the JVM-wide cap.
 *
 * <ul>
 *   <li>Concurrency: a {@link FairSlots} per capped integration and one for the JVM-wide cap; calls are admitted
 *       in the order they became ready, without holding a thread while they wait.
 *   <li>Rates: a Bucket4j bucket per rated integration, with every configured bandwidth. The scheduler waits for
 *       a permit's time on a timer ({@link #estimate}, which consumes nothing) and takes the permit on the call's
 *       thread just before it starts ({@link #pace}), so that starts stay in step with the upstream's own bucket.
 *       A permit is reserved only when it can come before the deadline; otherwise the call fails at once with
 *       {@code RATE_LIMITED} and nothing is consumed.
 *   <li>Per-key rates: a bucket per integration and key (conversation, tenant), held by Bucket4j's Caffeine proxy
 *       manager in a cache bounded to {@value #MAX_KEYS} keys, each dropped once it is idle and full again.
 *   <li>Upstream 429s: {@link #slowDown} pauses the integration until the upstream's retry-after has passed; every
 *       call to it waits (within its budget), then traffic resumes at the configured rate. The refused call's
 *       permit is given back, since the upstream did not count the request.
 * </ul>
 *
 * <p>Time comes from the {@link Ticker} and waits go through a {@link Sleeper}, so tests can run on a fake clock.
 * Thread-safe; one gate serves every turn of a {@code ParallelTools}.
 */
@Internal
public final class IntegrationGate implements CallGate {

    /** Waits for a number of nanoseconds; the real one parks the thread. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * @param nanos how long to wait
         * @throws InterruptedException when interrupted
         */
        void sleep(long nanos) throws InterruptedException;

        /** @return a sleeper that parks the current thread */
        static Sleeper parking() {
            return nanos -> {
                long deadline = System.nanoTime() + nanos;
                for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            };
        }
    }

    /** The most keys whose per-key buckets are kept per integration. */
    public static final int MAX_KEYS = 100_000;

    private final Map<String, Limiter> limiters;
    private final Map<String, Long> pausedUntil = new ConcurrentHashMap<>();
    private final FairSlots global;
    private final Ticker ticker;
    private final Sleeper sleeper;

    /**
     * @param limits limits by integration name
     * @param maxConcurrentCalls the most calls that may run at once in the JVM, 0 for no cap
     * @param ticker the time source of rates and pauses
     * @param sleeper how a call waits for a permit
     */
    public IntegrationGate(Map<String, IntegrationLimits> limits, int maxConcurrentCalls, Ticker ticker, Sleeper sleeper) {
        this.ticker = ticker;
        this.sleeper = sleeper;
        Map<String, Limiter> byName = new HashMap<>();
        limits.forEach((name, l) -> byName.put(name, new Limiter(name, l, ticker)));
        this.limiters = Map.copyOf(byName);
        this.global = maxConcurrentCalls > 0 ? new FairSlots(maxConcurrentCalls, HeldBy.JVM_SLOT, null) : null;
    }

    /**
     * @param limits limits by integration name, with no JVM-wide cap, on the system clock
     */
    public IntegrationGate(Map<String, IntegrationLimits> limits) {
        this(limits, 0, Ticker.system(), Sleeper.parking());
    }

    private static String integrationOf(PlannedCall call) {
        return call.policy() == null ? null : call.policy().integration().orElse(null);
    }

    @Override
    public List<FairSlots> slots(PlannedCall call) {
        String integration = integrationOf(call);
        Limiter limiter = integration == null ? null : limiters.get(integration);
        return limiter != null && limiter.slots != null ? List.of(limiter.slots) : List.of();
    }

    @Override
    public FairSlots global() {
        return global;
    }

    /**
     * Waits until the call may start, on the calling thread: a permit is reserved (only if it comes before the
     * deadline), then waited for with the gate's {@link Sleeper}.
     *
     * @param call the call
     * @param rateLimitKey the key of per-key rate limits, or null
     * @param deadlineNanos the deadline on the gate's ticker, or {@link Long#MAX_VALUE} for none
     * @param unused the scheduler's ticker; the gate reads its own
     * @throws LimitRefusal when no permit comes before the deadline; nothing is consumed
     * @throws InterruptedException when interrupted while waiting; the permit is given back
     */
    public void pace(PlannedCall call, Object rateLimitKey, long deadlineNanos, Ticker unused)
            throws LimitRefusal, InterruptedException {
        pace(call, rateLimitKey, deadlineNanos, HoldLog.NONE);
    }

    @Override
    public void pace(PlannedCall call, Object rateLimitKey, long deadlineNanos, HoldLog log)
            throws LimitRefusal, InterruptedException {
        Reserved reserved = reserve(call, rateLimitKey, deadlineNanos);
        if (reserved.nanos() > 0) {
            long since = ticker.read();
            try {
                sleeper.sleep(reserved.nanos());
            } catch (InterruptedException e) {
                giveBack(buckets(call, rateLimitKey));
                throw e;
            } finally {
                log.held(reserved.held().step(), reserved.held().on(), since, ticker.read());
            }
        }
    }

    /** Names the longest of the call's waits now: its integration's pause, its rate, or its key's rate. */
    @Override
    public RateHold rateHold(PlannedCall call, Object rateLimitKey) {
        String integration = integrationOf(call);
        Long until = integration == null ? null : pausedUntil.get(integration);
        long longest = until == null ? 0 : Durations.remaining(until, ticker.read());
        RateHold hold = new RateHold(longest > 0 ? HeldBy.PAUSE : HeldBy.RATE, integration);
        for (Rated rated : buckets(call, rateLimitKey)) {
            EstimationProbe probe = rated.bucket().estimateAbilityToConsume(1);
            long refill = probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
            if (refill > longest) {
                longest = refill;
                hold = new RateHold(HeldBy.RATE, rated.named());
            }
        }
        return hold;
    }

    @Override
    public long estimate(PlannedCall call, Object rateLimitKey, long deadlineNanos) throws LimitRefusal {
        long now = ticker.read();
        long wait = pausedNanos(call, deadlineNanos);
        for (Rated rated : buckets(call, rateLimitKey)) {
            EstimationProbe probe = rated.bucket().estimateAbilityToConsume(1);
            long refill = probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
            if (refill == Long.MAX_VALUE || Durations.endsAfter(now, refill, deadlineNanos)) {
                throw noPermit(integrationOf(call), rated.what(), deadlineNanos);
            }
            wait = Math.max(wait, refill);
        }
        return wait;
    }

    /** How long until a call's reserved permits are valid, and what made it wait longest (null when it need not). */
    private record Reserved(long nanos, RateHold held) {
        static final Reserved NOW = new Reserved(0, null);
    }

    /**
     * Reserves the call's permits (only when they come before the deadline); says how long until they are valid and
     * which of its pause and its buckets made it wait longest, as each is reserved: a probe after the reservation
     * would see the drained buckets' next refill instead.
     */
    private Reserved reserve(PlannedCall call, Object rateLimitKey, long deadlineNanos) throws LimitRefusal {
        long paused = pausedNanos(call, deadlineNanos);
        Reserved longest = paused > 0 ? new Reserved(paused, new RateHold(HeldBy.PAUSE, integrationOf(call)))
                : Reserved.NOW;
        List<Rated> buckets = buckets(call, rateLimitKey);
        for (int k = 0; k < buckets.size(); k++) {
            try {
                long wait = reserveIn(buckets.get(k), deadlineNanos, integrationOf(call));
                if (wait > longest.nanos()) {
                    longest = new Reserved(wait, new RateHold(HeldBy.RATE, buckets.get(k).named()));
                }
            } catch (LimitRefusal | RuntimeException e) {
                giveBack(buckets.subList(0, k)); // the call does not run: the permits it took go back
                throw e;
            }
        }
        return longest;
    }

    /** A bucket a call draws a permit from, how to name its rate to the model, and what to call it in a report. */
    private record Rated(Bucket bucket, String what, String named) {}

    /** The buckets a call draws on, in the order they are taken: its integration's, then its key's. */
    private List<Rated> buckets(PlannedCall call, Object rateLimitKey) {
        String integration = integrationOf(call);
        Limiter limiter = integration == null ? null : limiters.get(integration);
        if (limiter == null) {
            return List.of();
        }
        List<Rated> buckets = new ArrayList<>(2);
        if (limiter.bucket != null) {
            buckets.add(new Rated(limiter.bucket, BandwidthWords.describe(limiter.limits.bandwidths()), integration));
        }
        if (limiter.perKey != null && rateLimitKey != null) {
            buckets.add(new Rated(limiter.perKey.builder().build(rateLimitKey, () -> limiter.perKeyConfiguration),
                    BandwidthWords.describe(limiter.limits.perKeyBandwidths()) + " for '" + rateLimitKey + "'",
                    integration + " per key '" + rateLimitKey + "'"));
        }
        return buckets;
    }

    /** Gives one permit back to each bucket: its call did not run, or the upstream did not count it. */
    private static void giveBack(List<Rated> buckets) {
        for (Rated rated : buckets) {
            rated.bucket().addTokens(1);
        }
    }

    /**
     * Reserves one permit that comes before the deadline, without waiting for it: Bucket4j reserves, then hands
     * the time to wait to a blocking strategy, which here only records it.
     *
     * @return nanoseconds until the permit is valid
     */
    private long reserveIn(Rated rated, long deadlineNanos, String integration) throws LimitRefusal {
        long maxWait = deadlineNanos == Long.MAX_VALUE ? TimeUnit.DAYS.toNanos(365) : deadlineNanos - ticker.read();
        long[] wait = {0};
        UninterruptibleBlockingStrategy recording = nanos -> wait[0] = nanos;
        if (maxWait <= 0 || !rated.bucket().asBlocking().tryConsumeUninterruptibly(1, maxWait, recording)) {
            throw noPermit(integration, rated.what(), deadlineNanos);
        }
        return wait[0];
    }

    private static LimitRefusal noPermit(String integration, String what, long deadlineNanos) {
        String within = deadlineNanos == Long.MAX_VALUE ? "within a year" : "before the turn's budget runs out";
        return new LimitRefusal("integration '" + integration + "' is rate limited (" + what
                + ") and no permit would come " + within + "; the call did not run");
    }

    @Override
    public long pausedNanos(PlannedCall call, long deadlineNanos) throws LimitRefusal {
        String integration = integrationOf(call);
        Long until = integration == null ? null : pausedUntil.get(integration);
        long now = ticker.read();
        long left = until == null ? 0 : Durations.remaining(until, now);
        if (left > 0 && Durations.endsAfter(now, left, deadlineNanos)) {
            throw LimitRefusal.pausedPastBudget(integration);
        }
        return left;
    }

    @Override
    public void slowDown(PlannedCall call, Object rateLimitKey, Duration retryAfter, Ticker unused) {
        String integration = integrationOf(call);
        if (integration == null) {
            return;
        }
        pause(integration, retryAfter);
        // The upstream did not count the refused request: give its permit back, so that our buckets stay in step
        // with the upstream's instead of running one request ahead of it.
        giveBack(buckets(call, rateLimitKey));
    }

    /**
     * Pauses an integration for {@code retryAfter} from now (a pause that ends later already stays): an upstream
     * 429 seen here, or by another JVM sharing the limits.
     *
     * @param integration the integration's name
     * @param retryAfter how long the upstream asked to wait
     */
    public void pause(String integration, Duration retryAfter) {
        long until = Durations.deadline(ticker.read(), Durations.nanos(retryAfter));
        pausedUntil.merge(integration, until, (a, b) -> b - a > 0 ? b : a);
    }

    /**
     * How long an integration stays paused after an upstream 429.
     *
     * @param integration the integration's name
     * @return the time left, or empty when it is not paused
     */
    public Optional<Duration> pauseRemaining(String integration) {
        Long until = pausedUntil.get(integration);
        long left = until == null ? 0 : Durations.remaining(until, ticker.read());
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }

    /**
     * How many calls to an integration run now.
     *
     * @param integration the integration's name
     * @return the number of calls holding one of its slots, 0 when it is not capped
     */
    public int inFlight(String integration) {
        Limiter limiter = limiters.get(integration);
        return limiter == null || limiter.slots == null ? 0 : limiter.slots.inUse();
    }

    /**
     * How many calls wait for one of an integration's slots now.
     *
     * @param integration the integration's name
     * @return the number of waiting calls, 0 when it is not capped
     */
    public int waiting(String integration) {
        Limiter limiter = limiters.get(integration);
        return limiter == null || limiter.slots == null ? 0 : limiter.slots.waiting();
    }

    /** Bucket4j's clock, read from the gate's ticker. */
    private record TickerClock(Ticker ticker, boolean wallClock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return ticker.read();
        }

        @Override
        public boolean isWallClockBased() {
            return wallClock;
        }
    }

    private static final class Limiter {

        final IntegrationLimits limits;
        final FairSlots slots;
        final Bucket bucket;
        final CaffeineProxyManager<Object> perKey;
        final BucketConfiguration perKeyConfiguration;

        Limiter(String name, IntegrationLimits limits, Ticker ticker) {
            this.limits = limits;
            this.slots = limits.maxConcurrent().isPresent()
                    ? new FairSlots(limits.maxConcurrent().getAsInt(), HeldBy.INTEGRATION_CAP, name) : null;
            if (limits.bandwidths().isEmpty()) {
                this.bucket = null;
            } else {
                LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(new TickerClock(ticker, false));
                limits.bandwidths().forEach(builder::addLimit);
                this.bucket = builder.build();
            }
            if (limits.perKeyBandwidths().isEmpty()) {
                this.perKey = null;
                this.perKeyConfiguration = null;
            } else {
                ConfigurationBuilder configuration = BucketConfiguration.builder();
                limits.perKeyBandwidths().forEach(configuration::addLimit);
                this.perKeyConfiguration = configuration.build();
                // Bucket4j asks proxy managers for a wall clock; in one process any consistent clock will do.
                this.perKey = Bucket4jCaffeine.<Object>builderFor(Caffeine.newBuilder().maximumSize(MAX_KEYS))
                        .clientClock(new TickerClock(ticker, true))
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                Duration.ofSeconds(10)))
                        .build();
            }
        }

    }
}
