package io.github.parallel4j.redis;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.internal.limit.SharedGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.command.CommandAsyncExecutor;

/**
 * {@link SharedLimits} in Redis, through the application's {@link RedissonClient}: every JVM given a client of the
 * same Redis and the same {@link Builder#namespace namespace} holds one concurrency cap, one rate and (when
 * {@link Builder#keyedWrites enabled}) one set of keyed-write locks per integration together.
 *
 * <pre>{@code
 * ParallelTools parallel = ParallelTools.builder()
 *         .integration("jira", IntegrationLimits.builder().maxConcurrent(3).rate(5, Duration.ofSeconds(1)).build())
 *         .sharedLimits(RedisSharedLimits.builder(redisson).namespace("triage").build())
 *         .build();
 * }</pre>
 *
 * <ul>
 *   <li>Caps: a Redisson {@link RPermitExpirableSemaphore} per integration ({@code <namespace>:permits:<name>}),
 *       sized by the first JVM that uses it. A permit is a lease: it ends when the call ends, or when the lease
 *       runs out if its JVM died; the library renews it while the call still runs.
 *   <li>Rates: Bucket4j's Redisson integration (compare-and-swap), one bucket per integration and per key of a
 *       per-key rate ({@code <namespace>:rate:<name>[:<key>]}); a bucket expires once it would be full again.
 *       Refills are computed on the Redis server's clock ({@link ServerClock}: {@code TIME} on a master, its
 *       offset to this JVM's measured before the first rate call and again every 10 s or so), so the replicas'
 *       clock skew does not change the rate. A permit's lease is on this JVM's clock (Redisson's semaphore): keep
 *       the replicas' clocks in sync (NTP) within the lease margin.
 *   <li>Keyed writes (off by default): a Redisson read-write lock per resource key ({@code <namespace>:lock:<key>}),
 *       taken in sorted order and kept by Redisson's lock watchdog (renewed only while this client owns it; a dead
 *       JVM's locks end after the client's {@code lockWatchdogTimeout}).
 *   <li>Pauses after an upstream 429: published on the topic {@code <namespace>:pauses}, heard by every JVM that
 *       has used the limits ({@link PauseTopic}).
 *   <li>Round trips: on a single server, a call with a cap and a rate makes two before it starts (the permit and a
 *       read of its bucket in one batch, then Bucket4j's compare-and-swap) when the read is fresh and still
 *       current, three otherwise (calls of one JVM at once share the one read, and a bucket another JVM wrote in
 *       between costs a failed swap and a read); with replicas, three (see {@link PermitBatch}); and one when it
 *       ends (the release).
 *   <li>Every name in a key (namespace, integration, per-key rate key, resource key) is escaped: '%', ':', '{'
 *       and '}' are percent-encoded, so distinct names never share a key.
 * </ul>
 *
 * <p>{@link #close()} removes its pub/sub listener (the client itself stays open).
 *
 * <p>Every call is asynchronous (no thread waits for Redis); what happens when Redis does not answer within
 * {@link Builder#timeout} is {@link Builder#onFailure}'s choice. Thread-safe.
 */
public final class RedisSharedLimits implements SharedLimits, AutoCloseable {

    private final RedissonClient redisson;
    private final String namespace;
    private final Duration timeout;
    private final Duration leaseMargin;
    private final OnFailure onFailure;
    private final boolean keyedWrites;
    private volatile RateBuckets buckets;
    /** The integrations' own rate buckets used here ({@code rate:<name>}): read in the permit's round trip. */
    private final Set<String> rated = ConcurrentHashMap.newKeySet();
    private final PauseTopic pauses;
    private final Map<String, CompletableFuture<RPermitExpirableSemaphore>> semaphores = new ConcurrentHashMap<>();

    private RedisSharedLimits(Builder b) {
        this.redisson = b.redisson;
        this.namespace = b.namespace;
        this.timeout = b.timeout;
        this.leaseMargin = b.leaseMargin;
        this.onFailure = b.onFailure;
        this.keyedWrites = b.keyedWrites;
        this.pauses = new PauseTopic(() -> redisson.getTopic(escape(namespace) + ":pauses", StringCodec.INSTANCE));
        if (!(redisson instanceof Redisson)) {
            throw new IllegalArgumentException("RedisSharedLimits needs a RedissonClient made by Redisson.create(...),"
                    + " was " + redisson.getClass().getName());
        }
    }

    /** The rate buckets on Redisson's command executor, made on first use. */
    private RateBuckets buckets() {
        RateBuckets made = buckets;
        if (made == null) {
            synchronized (this) {
                made = buckets;
                if (made == null) {
                    CommandAsyncExecutor once = PermitBatch.sentOnce(executor(), timeout);
                    made = new RateBuckets(once, ServerClock.of(once, key("clock", "time")));
                    buckets = made;
                }
            }
        }
        return made;
    }

    private CommandAsyncExecutor executor() {
        return ((Redisson) redisson).getCommandExecutor();
    }

    /**
     * @param redisson the application's client
     * @return a builder with the defaults described on each of its methods
     */
    public static Builder builder(RedissonClient redisson) {
        return new Builder(Objects.requireNonNull(redisson, "redisson"));
    }

    @Override
    public String backend() {
        return "redis";
    }

    @Override
    public OnFailure onFailure() {
        return onFailure;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Duration leaseMargin() {
        return leaseMargin;
    }

    @Override
    public boolean sharesKeyedWrites() {
        return keyedWrites;
    }

    /** @return the prefix of every Redis key these limits use */
    public String namespace() {
        return namespace;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One round trip when a permit is free: the permit's script and, for an integration whose rate has been used
     * here, a read of its rate's bucket go to Redis in one batch sent once ({@link PermitBatch}), and that read
     * stands in for Bucket4j's own in the {@link #consume} that follows ({@link RateBuckets}). When none is free, a second request waits for one
     * (Redisson wakes it through pub/sub).
     */
    @Override
    public CompletionStage<Optional<Lease>> acquire(String integration, int capacity, Duration maxWait,
            Duration lease) {
        pauses.subscribe();
        long leaseMillis = Math.max(1, lease.toMillis());
        CompletableFuture<RPermitExpirableSemaphore> sized = semaphore(integration, capacity);
        return sized.thenCompose(semaphore -> tryAcquireWithRate(semaphore, integration, leaseMillis)
                .thenCompose(id -> id != null || maxWait.isZero() ? CompletableFuture.completedFuture(id)
                        : semaphore.tryAcquireAsync(maxWait.toMillis(), leaseMillis, TimeUnit.MILLISECONDS))
                .thenApply(id -> {
                    if (id == null) {
                        // None free, or a Redis restarted without its data has no semaphore: size it again next
                        // time (a no-op when it exists), which costs a round trip only when permits are short.
                        semaphores.remove(integration, sized);
                        return Optional.<Lease>empty();
                    }
                    return Optional.<Lease>of(new PermitLease(semaphore, id));
                }));
    }

    /** The permit without waiting and, for an integration whose rate was used here, its bucket: one round trip. */
    private CompletableFuture<String> tryAcquireWithRate(RPermitExpirableSemaphore semaphore, String integration,
            long leaseMillis) {
        String bucket = rated.contains(rateBucket(integration)) ? bucketKey(rateBucket(integration)) : null;
        return PermitBatch.take(executor(), semaphore, key("permits", integration), bucket,
                (key, state) -> buckets().prefetched(key, state), leaseMillis, timeout);
    }

    /** The bucket of an integration's own rate, named as the library names it: {@code rate:<integration>}. */
    private static String rateBucket(String integration) {
        return "rate:" + escape(integration);
    }

    /** The integration's semaphore, sized once per JVM (the first JVM to size it wins; see the docs to resize). */
    private CompletableFuture<RPermitExpirableSemaphore> semaphore(String integration, int capacity) {
        CompletableFuture<RPermitExpirableSemaphore> sized = semaphores.computeIfAbsent(integration, name -> {
            RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore(key("permits", name));
            return semaphore.trySetPermitsAsync(capacity).toCompletableFuture().thenApply(set -> semaphore);
        });
        if (sized.isCompletedExceptionally()) {
            semaphores.remove(integration, sized); // Redis was down: size it on the next call
        }
        return sized;
    }

    @Override
    public CompletionStage<Long> consume(String bucket, List<Bandwidth> bandwidths) {
        pauses.subscribe();
        // never on an unmeasured clock: the first consumption waits for Redis's TIME (bounded by the timeout)
        return buckets().clock().ready().thenCompose(ready -> bucket(bucket, bandwidths, true)
                .tryConsumeAndReturnRemaining(1)
                .thenApply(probe -> probe.isConsumed() ? 0L : Math.max(1, probe.getNanosToWaitForRefill())));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sent once (never resent after a timeout): a compare-and-swap that ran but answered late, sent again, would
     * fail, read the bucket again and add a second token.
     */
    @Override
    public CompletionStage<Void> refund(String bucket, List<Bandwidth> bandwidths) {
        return buckets().clock().ready().thenCompose(ready -> bucket(bucket, bandwidths, false).addTokens(1));
    }

    /** @return how many consumptions began from the bucket state read with their permit (for tests) */
    long prefetchHits() {
        return buckets().prefetchHits();
    }

    /** @param prefetched whether a state read with a permit may stand in for the first read (not for refunds) */
    private AsyncBucketProxy bucket(String name, List<Bandwidth> bandwidths, boolean prefetched) {
        ConfigurationBuilder configuration = BucketConfiguration.builder();
        bandwidths.forEach(configuration::addLimit);
        BucketConfiguration built = configuration.build();
        if (name.startsWith("rate:") && name.indexOf(':', 5) < 0) {
            rated.add(name); // an integration's own rate: read with the integration's next permit
        }
        RateBuckets rates = buckets();
        return rates.proxies().builder().build(prefetched ? rates.take(bucketKey(name))
                        : new RateBuckets.Key(bucketKey(name), null),
                () -> CompletableFuture.completedFuture(built));
    }

    @Override
    public CompletionStage<Optional<Lease>> lock(List<String> keys, List<Boolean> writes, Duration maxWait,
            Duration lease) {
        pauses.subscribe();
        return KeyLocks.take(redisson, keys.stream().map(k -> key("lock", k)).toList(), writes, maxWait, lease);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Published on the Redis topic {@code <namespace>:pauses} (pub/sub: a JVM disconnected at that moment, or that
     * has not used the limits yet, does not hear of it).
     */
    @Override
    public CompletionStage<Void> pause(String integration, Duration retryAfter) {
        return pauses.publish(integration, retryAfter);
    }

    @Override
    public void onPause(BiConsumer<String, Duration> listener) {
        pauses.listen(listener);
    }

    /**
     * Stops hearing the other JVMs' pauses: removes this object's subscription to the pauses' topic, which would
     * otherwise live as long as the {@code RedissonClient}. The limits still work (without pauses heard); the
     * client is the application's and stays open. Spring calls it when the bean is destroyed.
     */
    @Override
    public void close() {
        pauses.close();
    }


    @Override
    public CompletionStage<Integer> inFlight(String integration) {
        RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore(key("permits", integration));
        return semaphore.acquiredPermitsAsync();
    }

    /** {@code <namespace>:<kind>:<name>}, the namespace and the name escaped: distinct pairs never collide. */
    String key(String kind, String name) {
        return escape(namespace) + ":" + kind + ":" + escape(name);
    }

    /** A rate's bucket: its name comes from the library with its parts escaped already ({@code rate:...}). */
    String bucketKey(String bucket) {
        return escape(namespace) + ":" + bucket;
    }

    /**
     * Percent-encodes '%', ':', '{' and '}' (the separator, the escape, and Redis Cluster's
     * hash-tag braces), so that names joined with {@code :} never collide.
     */
    static String escape(String part) {
        return SharedGate.escape(part); // the one the bucket names are made with: keys and names always agree
    }

    @Override
    public String toString() {
        return "RedisSharedLimits{namespace=" + namespace + ", timeout=" + timeout + ", leaseMargin=" + leaseMargin
                + ", onFailure=" + onFailure + ", keyedWrites=" + keyedWrites + '}';
    }

    /** One held permit of a semaphore. */
    private record PermitLease(RPermitExpirableSemaphore semaphore, String id) implements Lease {
        @Override
        public CompletionStage<Boolean> renew(Duration lease) {
            return semaphore.updateLeaseTimeAsync(id, Math.max(1, lease.toMillis()), TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<Void> release() {
            // false when the lease ran out first: the permit went back to the others then
            return semaphore.tryReleaseAsync(id).thenApply(released -> null);
        }
    }

    /** Builds {@link RedisSharedLimits}. Not thread-safe. */
    public static final class Builder {

        private final RedissonClient redisson;
        private String namespace = "parallel-tools";
        private Duration timeout = Duration.ofMillis(500);
        private Duration leaseMargin = Duration.ofSeconds(5);
        private OnFailure onFailure = OnFailure.FALLBACK;
        private boolean keyedWrites;

        private Builder(RedissonClient redisson) {
            this.redisson = redisson;
        }

        /**
         * The prefix of every Redis key: JVMs with one namespace share their limits, others do not. Default
         * {@code parallel-tools}.
         *
         * @param namespace not blank, without spaces
         * @return this builder
         */
        public Builder namespace(String namespace) {
            if (namespace == null || namespace.isBlank() || namespace.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("namespace must be a non-blank word, was '" + namespace + "'");
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * The longest one Redis call may take before the library treats Redis as unavailable for that call (and
         * applies {@link #onFailure}). Default 500 ms. A permit or lock request may take this plus its wait window
         * (at most 500 ms); it is not cut short by the turn's budget, but the call is still answered at its budget.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /**
         * What a permit's lease adds to its call's own timeout (or to what is left of its turn's budget): how long
         * a dead JVM's permits stay taken at most after its call should have ended. Default 5 s.
         *
         * @param leaseMargin zero or more
         * @return this builder
         */
        public Builder leaseMargin(Duration leaseMargin) {
            if (leaseMargin == null || leaseMargin.isNegative()) {
                throw new IllegalArgumentException("leaseMargin must be zero or more, was " + leaseMargin);
            }
            this.leaseMargin = leaseMargin;
            return this;
        }

        /**
         * What a call does when Redis does not answer in time: {@link OnFailure#FALLBACK} (the default: run under
         * this JVM's limits alone) or {@link OnFailure#REFUSE} (answer {@code LIMITS_UNAVAILABLE}).
         *
         * @param onFailure the choice
         * @return this builder
         */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
            return this;
        }

        /**
         * Whether resource-key locks are also taken in Redis, so a keyed write never overlaps a read or write of
         * its key in another JVM. Default false (keys exclude within each JVM only): it costs a round trip per key.
         *
         * @param keyedWrites whether to share them
         * @return this builder
         */
        public Builder keyedWrites(boolean keyedWrites) {
            this.keyedWrites = keyedWrites;
            return this;
        }

        /** @return the shared limits */
        public RedisSharedLimits build() {
            return new RedisSharedLimits(this);
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
