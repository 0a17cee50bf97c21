package io.github.parallel4j.internal.limit;

import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link SharedLimits} backend as the library talks to it: every call bounded in time (its own
 * {@link SharedLimits#timeout()}, plus the wait window of a permit or lock request), its answers handed to the
 * library's own thread (never run on the backend's I/O threads; a step that throws is logged, not swallowed), its
 * health tracked: a WARN once when it stops answering, an INFO
 * when it answers again, and while it is down only one call per {@link #PROBE_INTERVAL_NANOS} asks it, the others
 * going straight to the configured {@link SharedLimits.OnFailure} instead of waiting for a timeout each. Its two
 * daemon threads (steps, and renewals apart) end when idle for a second and come back with the next task.
 *
 * <p>Thread-safe; one per {@code ParallelTools}.
 */
final class SharedBackend {

    private static final Logger log = LoggerFactory.getLogger(SharedLimits.class);

    /** While the backend is down, how often a call still asks it (and so finds out that it is back). */
    static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How long a timer thread with nothing to do lives on. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    final SharedLimits limits;
    private final ScheduledExecutorService timer;
    /** Renewals on a thread of their own: a step that runs long on the other (see docs) does not delay them. */
    private final ScheduledExecutorService renewals;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicLong lastProbe = new AtomicLong(System.nanoTime());
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong lostLeases = new AtomicLong();
    private final AtomicLong lastLatencyNanos = new AtomicLong();
    private final AtomicBoolean pauseWarned = new AtomicBoolean();

    SharedBackend(SharedLimits limits) {
        this.limits = limits;
        this.timer = idleEnding("parallel-tools-shared-limits-" + limits.backend());
        this.renewals = idleEnding("parallel-tools-shared-renewals-" + limits.backend());
    }

    /**
     * A timer of one daemon thread that ends after {@link #IDLE_NANOS} with nothing to do (nothing queued, nothing
     * scheduled) and is made again by the next task: a {@code ParallelTools} that is no longer used keeps no thread.
     */
    private static ScheduledThreadPoolExecutor idleEnding(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setKeepAliveTime(IDLE_NANOS, TimeUnit.NANOSECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true); // a cancelled wait or renewal does not keep the thread alive
        return executor;
    }

    /** @return whether a call may skip the backend now: it is down and another call probed it a moment ago */
    boolean skip() {
        if (available.get()) {
            return false;
        }
        long last = lastProbe.get();
        long now = System.nanoTime();
        return now - last < PROBE_INTERVAL_NANOS || !lastProbe.compareAndSet(last, now);
    }

    /**
     * Asks the backend, within {@code timeoutNanos}; {@code then} runs once, on the library's thread, with the
     * answer or the failure ({@link TimeoutException} when it came too late). An answer that comes after the
     * timeout is given to {@code late} (to release what it granted).
     */
    <T> void ask(Supplier<CompletionStage<T>> request, long timeoutNanos, BiConsumer<T, Throwable> then,
            Consumer<T> late) {
        ask(request, timeoutNanos, then, late, true);
    }

    /** @param health whether the answer tells the backend's health (a courtesy such as a pause does not) */
    private <T> void ask(Supplier<CompletionStage<T>> request, long timeoutNanos, BiConsumer<T, Throwable> then,
            Consumer<T> late, boolean health) {
        AtomicBoolean decided = new AtomicBoolean();
        long start = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = request.get();
        } catch (RuntimeException e) {
            if (health) {
                failed(e);
            }
            run(() -> then.accept(null, e));
            return;
        }
        Future<?> timeout = timer.schedule(logged(() -> {
            if (decided.compareAndSet(false, true)) {
                TimeoutException e = new TimeoutException(limits.backend() + " did not answer within "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
                if (health) {
                    failed(e);
                }
                then.accept(null, e);
            }
        }), Math.max(1, timeoutNanos), TimeUnit.NANOSECONDS);
        stage.whenComplete((value, error) -> {
            if (!decided.compareAndSet(false, true)) {
                if (value != null && late != null) {
                    run(() -> late.accept(value));
                }
                return;
            }
            timeout.cancel(false);
            if (!health) {
                run(() -> then.accept(value, error));
                return;
            }
            if (error == null) {
                lastLatencyNanos.set(System.nanoTime() - start);
                answered();
            } else {
                failed(error);
            }
            run(() -> then.accept(value, error));
        });
    }

    /** Runs a step on the library's thread, or on the caller's when the thread is gone (shut down). */
    void run(Runnable step) {
        Runnable logged = logged(step);
        try {
            timer.execute(logged);
        } catch (RuntimeException e) {
            logged.run();
        }
    }

    /** A step whose failure is logged rather than swallowed by the executor's future. */
    private Runnable logged(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                log.error("A shared-limits step ({}) failed", limits.backend(), e);
            }
        };
    }

    /** Runs a step after a delay on the library's thread; the returned future cancels it. */
    Future<?> later(Runnable step, long nanos) {
        return timer.schedule(logged(step), Math.max(1, nanos), TimeUnit.NANOSECONDS);
    }

    /** Runs a renewal after a delay on the renewals' thread; the returned future cancels it. */
    Future<?> renewLater(Runnable renewal, long nanos) {
        return renewals.schedule(logged(renewal), Math.max(1, nanos), TimeUnit.NANOSECONDS);
    }

    private void answered() {
        if (available.compareAndSet(false, true)) {
            log.info("Shared limits ({}) answer again: calls take the shared limits again", limits.backend());
        }
    }

    private void failed(Throwable error) {
        if (available.compareAndSet(true, false)) {
            lastProbe.set(System.nanoTime());
            log.warn("Shared limits ({}) are unavailable ({}): calls {} until they answer again", limits.backend(),
                    error, limits.onFailure() == SharedLimits.OnFailure.FALLBACK
                            ? "run under this JVM's limits alone" : "are refused with LIMITS_UNAVAILABLE");
        }
    }

    /**
     * Tells every JVM of a pause, within the backend's timeout. Best effort: a backend that does not take it leaves
     * the pause to this JVM (a WARN the first time, DEBUG after), and its failure says nothing of the limits' health
     * (pub/sub may be refused where every other command works).
     */
    void tellPause(String integration, Duration retryAfter) {
        ask(() -> limits.pause(integration, retryAfter), limits.timeout().toNanos(), (ok, error) -> {
            if (error == null) {
                return;
            }
            if (pauseWarned.compareAndSet(false, true)) {
                log.warn("Could not tell the other JVMs ({}) that integration '{}' is paused for {} ms: {}"
                        + " (pauses stay in this JVM when this happens; said once)", limits.backend(), integration,
                        retryAfter.toMillis(), error.toString());
            } else {
                log.debug("Could not tell the other JVMs ({}) that integration '{}' is paused: {}",
                        limits.backend(), integration, error.toString());
            }
        }, null, false);
    }

    void fellBack() {
        fallbacks.incrementAndGet();
    }

    void refused() {
        refusals.incrementAndGet();
    }

    /** A renewal found that a lease was no longer ours (it ran out and another JVM may hold it). */
    void lostLease() {
        lostLeases.incrementAndGet();
    }

    /** @return how many renewals found their lease lost */
    long lostLeases() {
        return lostLeases.get();
    }

    SharedLimits.Status status() {
        return new SharedLimits.Status(limits.backend(), available.get(), fallbacks.get(), refusals.get(),
                Duration.ofNanos(lastLatencyNanos.get()));
    }
}
