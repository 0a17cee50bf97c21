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
 * that the call's locks can be taken and released on any thread. When a key does not come within the wait, or
 * Redis fails part-way, the keys taken so far are released and the call holds nothing.
 *
 * <p>The locks are kept by Redisson's own lock watchdog (taken without a lease time): it renews each lock, and each
 * read hold's timeout key, only while this client still owns it, until the lock is released; if the JVM dies, the
 * lock ends after the client's {@code lockWatchdogTimeout} (Redisson's default: 30 s). {@link #renew} therefore
 * extends nothing itself: it answers whether every lock is still ours.
 */
final class KeyLocks implements SharedLimits.Lease {

    private final List<RLock> locks;
    private final long owner;

    private KeyLocks(List<RLock> locks, long owner) {
        this.locks = locks;
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
        KeyLocks held = new KeyLocks(locks, owner);
        long deadline = System.nanoTime() + maxWait.toNanos();
        return held.takeFrom(0, deadline);
    }

    private CompletionStage<Optional<SharedLimits.Lease>> takeFrom(int k, long deadline) {
        if (k == locks.size()) {
            return CompletableFuture.completedFuture(Optional.of(this));
        }
        long waitMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        CompletableFuture<Boolean> got;
        try {
            // leaseTime -1: Redisson's watchdog keeps the lock while this client owns it
            got = locks.get(k).tryLockAsync(waitMillis, -1, TimeUnit.MILLISECONDS, owner).toCompletableFuture();
        } catch (RuntimeException e) {
            got = CompletableFuture.failedFuture(e);
        }
        return got.handle((taken, error) -> {
                    if (error != null) {
                        // Redis failed part-way: what was taken goes back, then the failure is the answer
                        return releaseBelow(k).thenCompose(
                                v -> CompletableFuture.<Optional<SharedLimits.Lease>>failedFuture(error));
                    }
                    if (taken) {
                        return takeFrom(k + 1, deadline);
                    }
                    return releaseBelow(k).thenApply(v -> Optional.<SharedLimits.Lease>empty());
                })
                .thenCompose(next -> next);
    }

    private CompletionStage<Void> releaseBelow(int end) {
        CompletableFuture<?>[] unlocks = new CompletableFuture<?>[end];
        for (int k = 0; k < end; k++) {
            unlocks[k] = locks.get(k).unlockAsync(owner).toCompletableFuture().exceptionally(e -> null);
        }
        return CompletableFuture.allOf(unlocks);
    }

    /** Answers whether every lock is still this call's; Redisson's watchdog does the renewing. */
    @Override
    public CompletionStage<Boolean> renew(Duration lease) {
        CompletableFuture<?>[] checks = new CompletableFuture<?>[locks.size()];
        for (int k = 0; k < locks.size(); k++) {
            checks[k] = locks.get(k).isHeldByThreadAsync(owner).toCompletableFuture();
        }
        return CompletableFuture.allOf(checks).thenApply(v -> {
            for (CompletableFuture<?> each : checks) {
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
