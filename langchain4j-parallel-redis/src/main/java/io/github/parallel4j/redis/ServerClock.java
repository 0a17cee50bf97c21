package io.github.parallel4j.redis;

import io.github.bucket4j.TimeMeter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;

/**
 * The Redis server's clock, as Bucket4j's clock for the rate buckets ({@code clientClock}): Bucket4j's Redisson
 * integration computes refills on the client, so each replica's own clock would decide how many tokens there are;
 * with this one, the replicas read the clock of one Redis master, its {@code TIME}, and their clock skew no longer
 * matters. It does not ask Redis on every reading: a reading is this JVM's monotonic clock plus an offset measured
 * from a {@code TIME} round trip (the middle of the round trip; the error is at most half of it).
 *
 * <p>No reading is served before the first measurement: {@link #ready()} completes once there is one, and the rate
 * calls wait for it (bounded by the library's timeout, like any backend call). The offset is measured again on a
 * reading at least {@link #CALIBRATE_EVERY_NANOS} after the last measurement (asynchronously: that reading uses the
 * offset it has). A sample is kept only when it is good: its round trip at most
 * {@code max(2 ms, 3 x the kept one's)} (more as the kept one ages), and its offset within both samples' errors of the kept one, or confirmed by
 * the next sample (the server's clock really stepped); between two good samples the one with the smaller error
 * (half its round trip, plus a drift allowance for its age) is kept. A command the server runs late after a stall
 * has a long round trip and is refused, so it cannot move the clock ahead. Readings never go backwards. The offset
 * is one immutable sample, swapped atomically (samples are offered one at a time). Thread-safe.
 */
final class ServerClock implements TimeMeter {

    /** How often the offset to Redis's clock is measured again (monotonic clocks drift a little). */
    static final long CALIBRATE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The round trip always accepted, however fast the best one was. */
    static final long RTT_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How much two clocks may drift apart, in parts per million: ages a sample's error. */
    static final long DRIFT_PPM = 100;

    /** One measurement: the offset of the server's clock to this JVM's monotonic one, and how it was measured. */
    record Sample(long offsetNanos, long rttNanos, long measuredAtNanos) {
        long errorAt(long nowNanos) {
            return rttNanos / 2 + Math.max(0, nowNanos - measuredAtNanos) / 1_000_000 * DRIFT_PPM;
        }
    }

    private final Supplier<CompletionStage<Long>> serverMicros;
    private final LongSupplier nanoTime;
    private final AtomicReference<Sample> kept = new AtomicReference<>();
    /** A sample refused for its jump: kept when the next one agrees with it (the server's clock stepped). */
    private final AtomicReference<Sample> refusedJump = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Void>> first = new AtomicReference<>();
    private final AtomicLong calibratedAt;
    private final AtomicBoolean calibrating = new AtomicBoolean();
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param serverMicros reads the server's clock, in microseconds since the epoch
     * @param nanoTime this JVM's monotonic clock
     */
    ServerClock(Supplier<CompletionStage<Long>> serverMicros, LongSupplier nanoTime) {
        this.serverMicros = serverMicros;
        this.nanoTime = nanoTime;
        this.calibratedAt = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * @param executor Redisson's executor (sending once, with a short timeout)
     * @param key a key of the namespace: {@code TIME} is read on its master (never on a replica)
     * @return Redis's clock: {@code TIME}, in a script run on the master
     */
    static ServerClock of(CommandAsyncExecutor executor, String key) {
        return new ServerClock(() -> executor.<List<Object>, List<Object>>evalWriteAsync(key, StringCodec.INSTANCE,
                        RedisCommands.EVAL_LIST, "return redis.call('TIME')", List.of(key))
                .thenApply(time -> Long.parseLong(String.valueOf(time.get(0))) * 1_000_000L
                        + Long.parseLong(String.valueOf(time.get(1)))),
                System::nanoTime);
    }

    /**
     * @return completes once the offset is measured; a failed first measurement fails it, and the next call asks
     *     again
     */
    CompletableFuture<Void> ready() {
        CompletableFuture<Void> current = first.get();
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        CompletableFuture<Void> made = new CompletableFuture<>();
        if (!first.compareAndSet(current, made)) {
            return first.get();
        }
        long sent = nanoTime.getAsLong();
        ask().whenComplete((micros, error) -> {
            if (error != null || micros == null) {
                made.completeExceptionally(error != null ? error
                        : new IllegalStateException("Redis answered TIME with nothing"));
                return;
            }
            offer(sent, nanoTime.getAsLong(), micros);
            made.complete(null);
        });
        return made;
    }

    private CompletionStage<Long> ask() {
        try {
            return serverMicros.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @throws IllegalStateException before the first measurement ({@link #ready()}) */
    @Override
    public long currentTimeNanos() {
        Sample sample = kept.get();
        if (sample == null) {
            throw new IllegalStateException("The Redis server's clock is not measured yet");
        }
        long now = nanoTime.getAsLong();
        long since = calibratedAt.get();
        if (now - since >= CALIBRATE_EVERY_NANOS && calibratedAt.compareAndSet(since, now)) {
            calibrate(now);
        }
        return last.accumulateAndGet(now + sample.offsetNanos(), Math::max);
    }

    private void calibrate(long sent) {
        if (!calibrating.compareAndSet(false, true)) {
            return;
        }
        ask().whenComplete((micros, error) -> {
            if (error == null && micros != null) {
                offer(sent, nanoTime.getAsLong(), micros);
            }
            // unanswered (Redis down): the kept offset stays, and a reading after the period asks again
            calibrating.set(false);
        });
    }

    /** Keeps the sample measured from {@code sent} to {@code received} when it is good (see the class). */
    void offer(long sent, long received, long serverMicros) {
        long rtt = Math.max(0, received - sent);
        Sample sample = new Sample(serverMicros * 1_000L - (sent + rtt / 2), rtt, received);
        synchronized (this) { // rare (a sample every 10 s or so); readings never take the lock
            kept.set(better(kept.get(), sample, received));
        }
    }

    private Sample better(Sample current, Sample sample, long now) {
        if (current == null) {
            return sample;
        }
        if (sample.rttNanos() > Math.max(RTT_FLOOR_NANOS, 6 * current.errorAt(now))) {
            return current; // answered late (a stall, a resend): its offset is off by up to half of that
        }
        long jump = Math.abs(sample.offsetNanos() - current.offsetNanos());
        if (jump > sample.errorAt(now) + current.errorAt(now)) {
            Sample earlier = refusedJump.getAndSet(sample);
            boolean confirmed = earlier != null
                    && Math.abs(earlier.offsetNanos() - sample.offsetNanos()) <= earlier.errorAt(now)
                            + sample.errorAt(now);
            if (confirmed) {
                refusedJump.set(null);
                return sample; // two samples agree: the server's clock stepped
            }
            return current;
        }
        refusedJump.set(null);
        return sample.errorAt(now) <= current.errorAt(now) ? sample : current;
    }

    /** @return whether the server has answered once */
    boolean calibrated() {
        return kept.get() != null;
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
