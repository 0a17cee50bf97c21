package io.github.parallel4j.internal.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.internal.Internal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * {@link SharedLimits} held in this JVM: permits are {@link FairSlots} (granted in request order), rates local
 * Bucket4j buckets, key locks a {@link ResourceLocks}. Several {@code ParallelTools} given one instance share its
 * limits; it is also the reference every other backend is tested against. It never fails, so
 * {@link #onFailure()} does not matter; leases never expire (a JVM cannot outlive itself).
 *
 * <p>Internal: public only so that {@link SharedLimits#inJvm()} can make one. Thread-safe.
 */
@Internal
public final class InJvmSharedLimits implements SharedLimits {

    /** Ends waits for a permit or a lock that last longer than asked; a daemon thread made on first use. */
    private static final class Timer {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "parallel-tools-shared-limits");
            thread.setDaemon(true);
            return thread;
        });
    }

    private final Map<String, FairSlots> permits = new ConcurrentHashMap<>();
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(IntegrationGate.MAX_KEYS).build();
    private final ResourceLocks locks = new ResourceLocks();
    private final PauseListeners pauses = new PauseListeners();

    @Override
    public String backend() {
        return "in-jvm";
    }

    @Override
    public OnFailure onFailure() {
        return OnFailure.FALLBACK;
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Duration leaseMargin() {
        return Duration.ZERO;
    }

    @Override
    public boolean sharesKeyedWrites() {
        return true;
    }

    @Override
    public CompletionStage<Optional<Lease>> acquire(String integration, int capacity, Duration maxWait,
            Duration lease) {
        FairSlots slots = permits.computeIfAbsent(integration, name -> new FairSlots(capacity));
        CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
        Lease held = new Once(slots::release);
        FairSlots.Ticket ticket = slots.ticket(() -> result.complete(Optional.of(held)));
        slots.enqueue(ticket);
        if (!result.isDone()) {
            Timer.TIMER.schedule(() -> {
                if (ticket.cancel()) {
                    result.complete(Optional.empty());
                }
            }, maxWait.toNanos(), TimeUnit.NANOSECONDS);
        }
        return result;
    }

    @Override
    public CompletionStage<Long> consume(String bucket, List<Bandwidth> bandwidths) {
        ConsumptionProbe probe = bucketOf(bucket, bandwidths).tryConsumeAndReturnRemaining(1);
        return CompletableFuture.completedFuture(probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
    }

    @Override
    public CompletionStage<Void> refund(String bucket, List<Bandwidth> bandwidths) {
        bucketOf(bucket, bandwidths).addTokens(1);
        return CompletableFuture.completedFuture(null);
    }

    private Bucket bucketOf(String name, List<Bandwidth> bandwidths) {
        return buckets.get(name, unused -> {
            LocalBucketBuilder builder = Bucket.builder();
            bandwidths.forEach(builder::addLimit);
            return builder.build();
        });
    }

    @Override
    public CompletionStage<Optional<Lease>> lock(List<String> keys, List<Boolean> writes, Duration maxWait,
            Duration lease) {
        boolean[] modes = new boolean[writes.size()];
        for (int k = 0; k < modes.length; k++) {
            modes[k] = writes.get(k);
        }
        CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
        ResourceLocks.Request[] request = new ResourceLocks.Request[1];
        request[0] = locks.request(keys, modes, () -> result.complete(Optional.of(new Once(request[0]::release))));
        request[0].place();
        if (!result.isDone()) {
            Timer.TIMER.schedule(() -> {
                if (request[0].cancel()) {
                    result.complete(Optional.empty());
                }
            }, maxWait.toNanos(), TimeUnit.NANOSECONDS);
        }
        return result;
    }

    @Override
    public CompletionStage<Void> pause(String integration, Duration retryAfter) {
        pauses.tell(integration, retryAfter);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onPause(BiConsumer<String, Duration> listener) {
        pauses.add(listener);
    }

    @Override
    public CompletionStage<Integer> inFlight(String integration) {
        FairSlots slots = permits.get(integration);
        return CompletableFuture.completedFuture(slots == null ? 0 : slots.inUse());
    }

    @Override
    public String toString() {
        return "InJvmSharedLimits" + permits.keySet();
    }

    /** A lease released at most once, which never expires. */
    private static final class Once implements Lease {
        private final Runnable release;
        private final AtomicBoolean released = new AtomicBoolean();

        Once(Runnable release) {
            this.release = release;
        }

        @Override
        public CompletionStage<Boolean> renew(Duration lease) {
            return CompletableFuture.completedFuture(!released.get());
        }

        @Override
        public CompletionStage<Void> release() {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
            return CompletableFuture.completedFuture(null);
        }
    }
}
