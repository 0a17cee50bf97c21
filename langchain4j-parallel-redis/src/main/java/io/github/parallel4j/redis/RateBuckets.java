package io.github.parallel4j.redis;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import io.github.bucket4j.redis.redisson.cas.RedissonBasedProxyManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.command.CommandAsyncExecutor;

/**
 * The rate buckets: Bucket4j's Redisson integration (compare-and-swap: it reads a bucket's state, computes the
 * consumption on this JVM, and writes the new state only if the stored one is still what it read), on the Redis
 * server's clock ({@link ServerClock}), with one saving: a bucket's state read in the same round trip as its call's
 * permit ({@link #prefetched}) stands in for Bucket4j's own read, so a call with a cap and a rate makes two round
 * trips before it starts, not three.
 *
 * <p>A prefetched state is a guess, never trusted: when another JVM wrote the bucket since, the compare-and-swap
 * fails and Bucket4j reads again and retries, exactly as without it. A prefetched state is taken by the first
 * consumption of its bucket that comes within {@link #FRESH_NANOS} (a concurrent call, or a refund, reads the bucket
 * itself), and answers only the first read of that consumption. Thread-safe.
 */
final class RateBuckets {

    /** How long a prefetched state may stand in for a read: older ones are dropped (a read costs less than a retry). */
    static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A bucket's Redis key and, when there is one, its state as read with the call's permit. */
    record Key(String redisKey, Prefetched prefetched) {}

    /** A bucket's state as Redis returned it ({@code null}: no bucket), and when it was read. */
    record Prefetched(byte[] state, long readAtNanos) {}

    private static final Mapper<Key> KEYS = new Mapper<>() {
        @Override
        public byte[] toBytes(Key key) {
            return key.redisKey().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString(Key key) {
            return key.redisKey();
        }
    };

    private final AsyncProxyManager<Key> proxies;
    private final ServerClock clock;
    /** How many consumptions began from a prefetched state (for tests: the saving really happens). */
    private final AtomicLong prefetchHits = new AtomicLong();
    private final Map<String, Prefetched> prefetched = new ConcurrentHashMap<>();

    RateBuckets(CommandAsyncExecutor executor, ServerClock clock) {
        Bucket4jRedisson.RedissonBasedProxyManagerBuilder<Key> builder = Bucket4jRedisson.casBasedBuilder(executor)
                .keyMapper(KEYS);
        builder.clientClock(clock); // refills on Redis's clock, not on each replica's
        builder.expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)));
        this.proxies = new Prefetching(builder, prefetchHits).asAsync();
        this.clock = clock;
    }

    /** @return the clock of the refills: a consumption waits until it is {@link ServerClock#ready() ready} */
    ServerClock clock() {
        return clock;
    }

    /** @return how many consumptions began from a prefetched state */
    long prefetchHits() {
        return prefetchHits.get();
    }

    /** @return the proxy manager, whose keys carry the prefetched state of {@link #take} */
    AsyncProxyManager<Key> proxies() {
        return proxies;
    }

    /** Keeps a state read with a permit, for the next consumption of that bucket. */
    void prefetched(String redisKey, byte[] state) {
        prefetched.put(redisKey, new Prefetched(state, System.nanoTime()));
    }

    /** @return the bucket's key, with its prefetched state when a fresh one is there (it is used up) */
    Key take(String redisKey) {
        Prefetched state = prefetched.remove(redisKey);
        boolean fresh = state != null && System.nanoTime() - state.readAtNanos() < FRESH_NANOS;
        return new Key(redisKey, fresh ? state : null);
    }

    /** Bucket4j's proxy manager, whose first read of a key with a prefetched state answers that state. */
    private static final class Prefetching extends RedissonBasedProxyManager<Key> {

        private final AtomicLong hits;

        Prefetching(Bucket4jRedisson.RedissonBasedProxyManagerBuilder<Key> builder, AtomicLong hits) {
            super(builder);
            this.hits = hits;
        }

        @Override
        protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(Key key) {
            AsyncCompareAndSwapOperation read = super.beginAsyncCompareAndSwapOperation(key);
            if (key.prefetched() == null) {
                return read;
            }
            AtomicBoolean used = new AtomicBoolean();
            return new AsyncCompareAndSwapOperation() {
                @Override
                public CompletableFuture<Optional<byte[]>> getStateData(Optional<Long> timeoutNanos) {
                    if (used.compareAndSet(false, true)) {
                        hits.incrementAndGet();
                        return CompletableFuture.completedFuture(Optional.ofNullable(key.prefetched().state()));
                    }
                    return read.getStateData(timeoutNanos); // a retry after a failed swap reads it again
                }

                @Override
                public CompletableFuture<Boolean> compareAndSwap(byte[] originalData, byte[] newData,
                        RemoteBucketState newState, Optional<Long> timeoutNanos) {
                    return read.compareAndSwap(originalData, newData, newState, timeoutNanos);
                }
            };
        }
    }
}
