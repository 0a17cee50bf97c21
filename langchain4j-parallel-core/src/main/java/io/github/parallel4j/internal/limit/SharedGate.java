package io.github.parallel4j.internal.limit;

import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The in-JVM {@link IntegrationGate} with {@link SharedLimits} on top: every in-JVM limit still holds (and is what
 * a call falls back to when the backend is unavailable), and each call also takes its share of the limits every
 * JVM holds together ({@link SharedHold}): its integration's permits and rates, and its keyed-write locks when the
 * backend shares them. A pause after an upstream 429 is told to every JVM sharing the backend (and every JVM's pause
 * reaches this one's in-JVM gate); the refused request's shared token is given back.
 *
 * <p>Internal: public only so that {@code ParallelTools} can make one. Thread-safe.
 */
@Internal
public final class SharedGate implements CallGate {

    private final IntegrationGate local;
    private final Map<String, IntegrationLimits> limits;
    private final SharedBackend backend;
    private final Ticker ticker;
    /** Pauses told by the backend (another JVM's 429): kept here, since the backend holds it weakly. */
    private final BiConsumer<String, Duration> onPause;
    /** True on the thread telling the backend of this gate's own pause: a backend that tells it back is ignored. */
    private final ThreadLocal<Boolean> telling = ThreadLocal.withInitial(() -> false);
    /** Each call's latest hold, for the refund after a 429: only what that attempt really took goes back. */
    private final Map<PlannedCall, SharedHold> latest = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * With the default {@code maxRetryAfter}.
     *
     * @param local the in-JVM gate
     * @param limits the limits by integration name, as the local gate has them
     * @param shared the backend
     * @param ticker the time source of deadlines
     */
    public SharedGate(IntegrationGate local, Map<String, IntegrationLimits> limits, SharedLimits shared,
            Ticker ticker) {
        this(local, limits, shared, ticker, io.github.parallel4j.internal.policy.Durations.DEFAULT_MAX_RETRY_AFTER);
    }

    /**
     * @param local the in-JVM gate
     * @param limits the limits by integration name, as the local gate has them
     * @param shared the backend
     * @param ticker the time source of deadlines
     * @param maxRetryAfter the longest pause heard from another JVM that is kept ({@code maxRetryAfter})
     */
    public SharedGate(IntegrationGate local, Map<String, IntegrationLimits> limits, SharedLimits shared,
            Ticker ticker, Duration maxRetryAfter) {
        this.local = local;
        this.limits = Map.copyOf(limits);
        this.backend = new SharedBackend(shared);
        this.ticker = ticker;
        Map<String, IntegrationLimits> known = this.limits;
        this.onPause = (integration, retryAfter) -> {
            // a message from anyone who can publish: only integrations configured here, no longer than this JVM
            // waits for an upstream's own retry-after
            if (known.containsKey(integration) && !retryAfter.isNegative() && !telling.get()) {
                local.pause(integration, retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter);
            }
        };
        shared.onPause(onPause);
    }

    @Override
    public SharedHold shared(PlannedCall call, Object rateLimitKey, long deadlineNanos,
            SortedMap<String, Boolean> keys) {
        String integration = call.policy() == null ? null : call.policy().integration().orElse(null);
        IntegrationLimits limit = integration == null ? null : limits.get(integration);
        boolean locks = backend.limits.sharesKeyedWrites() && !keys.isEmpty();
        if (limit == null && !locks) {
            return null;
        }
        int capacity = limit == null ? 0 : limit.maxConcurrent().orElse(0);
        List<SharedHold.Rate> rates = limit == null ? List.of() : rates(integration, limit, rateLimitKey);
        SharedHold hold = new SharedHold(backend, integration, capacity, rates,
                locks ? List.copyOf(keys.keySet()) : List.of(), locks ? List.copyOf(keys.values()) : List.of(),
                deadlineNanos, ticker, call.policy().timeout());
        latest.put(call, hold);
        return hold;
    }

    private static List<SharedHold.Rate> rates(String integration, IntegrationLimits limit, Object rateLimitKey) {
        List<SharedHold.Rate> rates = new ArrayList<>(2);
        if (!limit.bandwidths().isEmpty()) {
            rates.add(new SharedHold.Rate(bucket(integration, null), limit.bandwidths(),
                    BandwidthWords.describe(limit.bandwidths())));
        }
        if (!limit.perKeyBandwidths().isEmpty() && rateLimitKey != null) {
            rates.add(new SharedHold.Rate(bucket(integration, rateLimitKey), limit.perKeyBandwidths(),
                    BandwidthWords.describe(limit.perKeyBandwidths()) + " for '"
                            + rateLimitKey + "'"));
        }
        return rates;
    }

    /**
     * The name of a shared rate's bucket: {@code rate:<integration>} or {@code rate:<integration>:<key>}, each part
     * escaped ({@link #escape}) so that no two (integration, key) pairs share a bucket (integration {@code jira:acme}
     * and integration {@code jira}'s key {@code acme} stay apart).
     */
    static String bucket(String integration, Object rateLimitKey) {
        return "rate:" + escape(integration) + (rateLimitKey == null ? "" : ":" + escape(String.valueOf(rateLimitKey)));
    }

    /**
     * Percent-encodes '%', ':', '{' and '}': the separator, the escape itself, and Redis
     * Cluster's hash-tag braces; every other character stays. Distinct strings stay distinct and never contain the
     * separator, so names joined with {@code :} never collide. Public for the Redis backend's keys: one escape for
     * every key, so a bucket's name and its key always agree.
     */
    public static String escape(String part) {
        StringBuilder escaped = new StringBuilder(part.length() + 8);
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            switch (c) {
                case '%' -> escaped.append("%25");
                case ':' -> escaped.append("%3A");
                case '{' -> escaped.append("%7B");
                case '}' -> escaped.append("%7D");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    @Override
    public List<FairSlots> slots(PlannedCall call) {
        return local.slots(call);
    }

    @Override
    public FairSlots global() {
        return local.global();
    }

    @Override
    public long estimate(PlannedCall call, Object rateLimitKey, long deadlineNanos) throws LimitRefusal {
        return local.estimate(call, rateLimitKey, deadlineNanos);
    }

    @Override
    public void pace(PlannedCall call, Object rateLimitKey, long deadlineNanos, HoldLog log)
            throws LimitRefusal, InterruptedException {
        local.pace(call, rateLimitKey, deadlineNanos, log);
    }

    @Override
    public RateHold rateHold(PlannedCall call, Object rateLimitKey) {
        return local.rateHold(call, rateLimitKey);
    }

    @Override
    public void slowDown(PlannedCall call, Object rateLimitKey, Duration retryAfter, Ticker ticker) {
        local.slowDown(call, rateLimitKey, retryAfter, ticker);
        String integration = call.policy() == null ? null : call.policy().integration().orElse(null);
        if (integration != null) {
            telling.set(true); // paused here already: a backend that tells its listeners at once skips this one
            try {
                backend.tellPause(integration, retryAfter); // every JVM waits out the upstream's retry-after
            } finally {
                telling.set(false);
            }
        }
        SharedHold hold = latest.remove(call);
        if (hold != null) {
            // The upstream did not count the refused request: the shared tokens its attempt took go back (only
            // those: an attempt that fell back, or took one rate's token only, gives back what it took).
            hold.refundTokens();
        }
    }

    @Override
    public long pausedNanos(PlannedCall call, long deadlineNanos) throws LimitRefusal {
        return local.pausedNanos(call, deadlineNanos);
    }

    /** @return how the backend fares */
    public SharedLimits.Status status() {
        return backend.status();
    }

    /**
     * @param integration the integration's name
     * @return the permits every JVM holds now, or empty when the backend does not answer in time
     */
    public Optional<Integer> sharedInFlight(String integration) {
        try {
            return Optional.of(backend.limits.inFlight(integration).toCompletableFuture()
                    .get(backend.limits.timeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }
}
