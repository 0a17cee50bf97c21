package io.github.parallel4j.redis;

import io.github.bucket4j.TimeMeter;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The Redis server's clock, as Bucket4j's clock for the rate buckets ({@code clientClock}): Bucket4j's Redisson
 * integration computes refills on the client, so each replica's own clock would decide how many tokens there are;
 * with this one, every replica reads the same clock, Redis's {@code TIME}, and the replicas' clock skew no longer
 * matters. It does not ask Redis on every reading: it measures the offset between this JVM's monotonic clock and
 * {@code TIME} once at the start and again every {@link #CALIBRATE_EVERY_NANOS} (one round trip, off the calls'
 * path), taking the middle of the round trip; the error is at most half a round trip (well under a millisecond on a
 * LAN). Until the first answer it reads this JVM's wall clock (asked for when it is made). Readings never go
 * backwards, but for the one step from this JVM's wall clock to Redis's. Thread-safe.
 */
final class ServerClock implements TimeMeter {

    /** How often the offset to Redis's clock is measured again (monotonic clocks drift a little). */
    static final long CALIBRATE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Supplier<CompletionStage<Long>> serverMicros;
    private final LongSupplier nanoTime;
    private final LongSupplier wallMillis;
    private volatile boolean calibrated;
    private volatile long offsetNanos;
    private final AtomicLong calibratedAt;
    private final AtomicBoolean calibrating = new AtomicBoolean();
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param serverMicros reads the server's clock, in microseconds since the epoch
     * @param nanoTime this JVM's monotonic clock
     * @param wallMillis this JVM's wall clock, until the server answers
     */
    ServerClock(Supplier<CompletionStage<Long>> serverMicros, LongSupplier nanoTime, LongSupplier wallMillis) {
        this.serverMicros = serverMicros;
        this.nanoTime = nanoTime;
        this.wallMillis = wallMillis;
        this.calibratedAt = new AtomicLong(nanoTime.getAsLong() - CALIBRATE_EVERY_NANOS);
        currentTimeNanos(); // asks the server at once
    }

    /** @return Redis's clock through {@code redisson}: {@code TIME}, in a read-only script */
    static ServerClock of(RedissonClient redisson) {
        RScript script = redisson.getScript(StringCodec.INSTANCE);
        return new ServerClock(() -> script.<List<Object>>evalAsync(RScript.Mode.READ_ONLY,
                        "return redis.call('TIME')", RScript.ReturnType.MULTI)
                .thenApply(time -> Long.parseLong(String.valueOf(time.get(0))) * 1_000_000L
                        + Long.parseLong(String.valueOf(time.get(1)))),
                System::nanoTime, System::currentTimeMillis);
    }

    @Override
    public long currentTimeNanos() {
        long now = nanoTime.getAsLong();
        long since = calibratedAt.get();
        if (now - since >= CALIBRATE_EVERY_NANOS && calibratedAt.compareAndSet(since, now)) {
            calibrate(now);
        }
        long reading = calibrated ? now + offsetNanos : wallMillis.getAsLong() * 1_000_000L;
        return last.accumulateAndGet(reading, Math::max);
    }

    private void calibrate(long sent) {
        if (!calibrating.compareAndSet(false, true)) {
            return;
        }
        CompletionStage<Long> answer;
        try {
            answer = serverMicros.get();
        } catch (RuntimeException e) {
            calibrating.set(false);
            return;
        }
        answer.whenComplete((micros, error) -> {
            if (error == null && micros != null) {
                long received = nanoTime.getAsLong();
                boolean first = !calibrated;
                offsetNanos = micros * 1_000L - (sent + (received - sent) / 2);
                calibrated = true;
                if (first) {
                    last.set(Long.MIN_VALUE); // from this JVM's wall clock to Redis's: one step, either way
                }
            }
            // unanswered (Redis down): the last offset stays, and the next reading after the period asks again
            calibrating.set(false);
        });
    }

    /** @return whether the server has answered once */
    boolean calibrated() {
        return calibrated;
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
