package io.github.parallel4j.redis;

import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * One call's resource-key locks in Redis: a Redisson read-write lock per key, taken one after the other in the
 * order given (sorted, the same in every JVM, so no two calls wait for each other), each with a lease. Redisson
 * locks belong to a thread; here they belong to the call, through an id of its own passed as the "thread", so
 * that the call's locks can be taken and released on any thread. When a key does not come within the wait, the
 * keys taken so far are released and the call holds nothing.
 */
final class KeyLocks implements SharedLimits.Lease {

    private final RedissonClient redisson;
    private final List<RLock> locks;
    private final List<String> names;
    private final long owner;

    private KeyLocks(RedissonClient redisson, List<RLock> locks, List<String> names, long owner) {
        this.redisson = redisson;
        this.locks = locks;
        this.names = names;
        this.owner = owner;
    }

    static CompletionStage<Optional<SharedLimits.Lease>> take(RedissonClient redisson, List<String> names,
            List<Boolean> writes, Duration maxWait, Duration lease) {
        long owner = ThreadLocalRandom.current().nextLong(Long.MIN_VALUE / 2, -1); // never a real thread's id
        List<RLock> locks = new ArrayList<>(names.size());
        for (int k = 0; k < names.size(); k++) {
            var rw = redisson.getReadWriteLock(names.get(k));
            locks.add(writes.get(k) ? rw.writeLock() : rw.readLock());
        }
        KeyLocks held = new KeyLocks(redisson, locks, names, owner);
        long deadline = System.nanoTime() + maxWait.toNanos();
        return held.takeFrom(0, deadline, Math.max(1, lease.toMillis()));
    }

    private CompletionStage<Optional<SharedLimits.Lease>> takeFrom(int k, long deadline, long leaseMillis) {
        if (k == locks.size()) {
            return CompletableFuture.completedFuture(Optional.of(this));
        }
        long waitMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return locks.get(k).tryLockAsync(waitMillis, leaseMillis, TimeUnit.MILLISECONDS, owner)
                .thenCompose(got -> {
                    if (got) {
                        return takeFrom(k + 1, deadline, leaseMillis);
                    }
                    return releaseBelow(k).thenApply(v -> Optional.<SharedLimits.Lease>empty());
                });
    }

    private CompletionStage<Void> releaseBelow(int end) {
        CompletableFuture<?>[] unlocks = new CompletableFuture<?>[end];
        for (int k = 0; k < end; k++) {
            unlocks[k] = locks.get(k).unlockAsync(owner).toCompletableFuture().exceptionally(e -> null);
        }
        return CompletableFuture.allOf(unlocks);
    }

    @Override
    public CompletionStage<Boolean> renew(Duration lease) {
        CompletableFuture<?>[] renewals = new CompletableFuture<?>[names.size()];
        for (int k = 0; k < names.size(); k++) {
            // the lock's hash holds its holders; its time to live is the lease
            renewals[k] = redisson.getKeys().expireAsync(names.get(k), Math.max(1, lease.toMillis()),
                    TimeUnit.MILLISECONDS).toCompletableFuture();
        }
        return CompletableFuture.allOf(renewals).thenApply(v -> {
            for (CompletableFuture<?> each : renewals) {
                if (!Boolean.TRUE.equals(each.join())) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public CompletionStage<Void> release() {
        return releaseBelow(locks.size());
    }
}
