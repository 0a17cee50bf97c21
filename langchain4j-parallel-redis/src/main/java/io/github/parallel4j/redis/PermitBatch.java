package io.github.parallel4j.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.redisson.RedissonPermitExpirableSemaphore;
import org.redisson.api.BatchOptions;
import org.redisson.api.RFuture;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.options.ObjectParams;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;
import org.redisson.command.CommandBatchService;
import org.redisson.config.DelayStrategy;

/**
 * A permit, without waiting, and a read of a rate bucket's state in one Redisson batch: one round trip. Sent once,
 * never resent after a response timeout (Redisson resends a batch's commands on its own, ignoring the semaphore's
 * no-retry flag): a resent permit script that Redis runs late, after a stall, would take a second permit under the
 * same id, and only one would ever come back. A permit Redis grants after the library gave up on it runs out with
 * its lease; one granted by a batch that failed otherwise (its read) is released at once.
 *
 * <p>Only on a single server: inside a batch Redisson skips the semaphore's wait for replicas ({@code WAIT}), so with
 * replicas (sentinel, master/replica, cluster) the permit goes alone through the semaphore's own call, and the
 * bucket is not read with it (a call then makes three round trips before it starts).
 */
final class PermitBatch {

    private PermitBatch() {}

    /**
     * @param executor Redisson's command executor
     * @param semaphore the integration's semaphore
     * @param permitsKey its key
     * @param bucketKey the rate bucket to read with it, or null
     * @param state told the bucket's state ({@code null}: no bucket) when it was read
     * @param leaseMillis the permit's lease
     * @param timeout how long to wait for Redis
     * @return completes with the permit's id, or null when none is free
     */
    static CompletableFuture<String> take(CommandAsyncExecutor executor, RPermitExpirableSemaphore semaphore,
            String permitsKey, String bucketKey, BiConsumer<String, byte[]> state, long leaseMillis,
            Duration timeout) {
        if (!executor.getServiceManager().getCfg().isSingleConfig()) {
            return semaphore.tryAcquireAsync(0, leaseMillis, TimeUnit.MILLISECONDS).toCompletableFuture();
        }
        CommandBatchService batch = new CommandBatchService(executor, BatchOptions.defaults().retryAttempts(0)
                .responseTimeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS));
        CompletableFuture<String> granted = new RedissonPermitExpirableSemaphore(batch, permitsKey)
                .tryAcquireAsync(0, leaseMillis, TimeUnit.MILLISECONDS).toCompletableFuture();
        RFuture<byte[]> read = bucketKey == null ? null
                : batch.readAsync(bucketKey, ByteArrayCodec.INSTANCE, RedisCommands.GET, bucketKey);
        return batch.executeAsync().toCompletableFuture().handle((done, error) -> {
            if (error != null) {
                granted.thenAccept(id -> {
                    if (id != null) {
                        semaphore.tryReleaseAsync(id); // granted, but the batch failed (its read's node)
                    }
                });
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            if (read != null) {
                state.accept(bucketKey, read.toCompletableFuture().getNow(null));
            }
            return granted;
        }).thenCompose(id -> id);
    }

    /**
     * Redisson's executor, but sending each command once and waiting at most {@code timeout} for it: a resent
     * compare-and-swap that already ran (its answer late) would fail, read again and apply a refund twice; and the
     * library stops waiting after its timeout anyway.
     */
    static CommandAsyncExecutor sentOnce(CommandAsyncExecutor executor, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        return executor.copy(new ObjectParams() {
            @Override
            public int getTimeout() {
                return millis;
            }

            @Override
            public int getRetryAttempts() {
                return 0;
            }

            @Override
            public DelayStrategy getRetryDelay() {
                return null; // Redisson's; never used, since nothing is resent
            }
        });
    }
}
