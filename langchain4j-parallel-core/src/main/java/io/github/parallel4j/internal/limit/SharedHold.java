package io.github.parallel4j.internal.limit;

import io.github.bucket4j.Bandwidth;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one attempt of a call takes of the {@link SharedLimits}, after its in-JVM caps and before its in-JVM rate
 * and JVM-wide slot: its shared key locks (when the backend shares keyed writes), one of its integration's shared
 * permits, and a token of each of its shared rates, one after the other. No step holds a thread: the backend
 * answers asynchronously, a permit or lock not free at a first try is asked for again (the backend waits for it, bounded by a
 * short window), and a token not there yet is waited for on the timer. A token that cannot come before the turn's
 * deadline refuses the call ({@code RATE_LIMITED}, nothing consumed).
 *
 * <p>A backend that fails or answers late makes the call fall back to the in-JVM limits (what it took already it
 * keeps) or refuses it with {@code LIMITS_UNAVAILABLE}, as {@link SharedLimits#onFailure()} says. Leases cover the
 * call's own timeout, or what is left of its turn's budget, plus the backend's margin, and are renewed at half of
 * that while the call holds them, so a stuck call past its budget keeps its permit until it really ends, while a
 * dead JVM's permits come back when their lease runs out.
 *
 * <p>{@link #release()} gives everything back exactly once and stops every wait and renewal; an answer that comes
 * after it (a grant the backend made meanwhile) is given back at once. Thread-safe; guarded by its own monitor,
 * which is never held while calling out.
 */
@Internal
public final class SharedHold {

    private static final Logger log = LoggerFactory.getLogger(SharedLimits.class);

    /** The longest the backend is asked to wait for a permit or a lock in one request. */
    static final long WAIT_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How long a call past its budget (its turn about to close it) waits before asking the backend again. */
    static final long RETRY_AFTER_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** The lease when neither the call nor its turn has a time limit. */
    static final Duration UNBOUNDED_LEASE = Duration.ofSeconds(60);

    private final SharedBackend backend;
    private final String integration;
    private final int capacity;
    private final List<Rate> rates;
    private final List<String> keys;
    private final List<Boolean> writes;
    private final long deadlineNanos;
    private final Ticker ticker;
    private final Duration lease;

    // Guarded by this.
    private final List<SharedLimits.Lease> held = new ArrayList<>(2);
    private final List<Taken> consumed = new ArrayList<>(2);
    private boolean released;
    /** Its tokens were given back: the attempt does not run, so a token granted after that goes back at once. */
    private boolean refunded;
    private boolean fellBack;
    private Future<?> waiting;
    private Future<?> renewal;
    /** Whether it made the call wait: a permit or lock not free at the first ask, a token waited for, a failed answer. */
    private volatile boolean waited;
    /** The step whose first ask (a try, not waiting) was made; its next asks wait on the backend. */
    private volatile int tried = -1;

    /** A shared rate: its bucket's name and bandwidths. */
    record Rate(String bucket, List<Bandwidth> bandwidths, String what) {

        /**
         * How long after its take a token may still be given back: less than one token's refill time of every
         * bandwidth, within which the bucket cannot have filled up (and thrown a refill away) since; zero (never)
         * for a bandwidth refilled at intervals, which may fill up at any moment.
         */
        long refundableNanos() {
            long nanos = Long.MAX_VALUE;
            for (Bandwidth b : bandwidths) {
                if (b.isRefillIntervally() || b.getRefillTokens() <= 0) {
                    return 0;
                }
                nanos = Math.min(nanos, b.getRefillPeriodNanos() / b.getRefillTokens());
            }
            return nanos;
        }
    }

    /** A token taken: of which rate, and when it was asked for (it was taken after that). */
    record Taken(Rate rate, long askedAtNanos) {}

    SharedHold(SharedBackend backend, String integration, int capacity, List<Rate> rates, List<String> keys,
            List<Boolean> writes, long deadlineNanos, Ticker ticker, Optional<Duration> callTimeout) {
        this.backend = backend;
        this.integration = integration;
        this.capacity = capacity;
        this.rates = rates;
        this.keys = keys;
        this.writes = writes;
        this.deadlineNanos = deadlineNanos;
        this.ticker = ticker;
        // The lease covers the longer of the call's timeout and what its turn has left (a call that waits for a
        // later step, or outlives its timeout, is renewed meanwhile anyway).
        Duration budget = deadlineNanos == Long.MAX_VALUE ? UNBOUNDED_LEASE
                : Duration.ofNanos(Math.max(0, Durations.remaining(deadlineNanos, ticker.read())));
        Duration base = callTimeout.filter(t -> t.compareTo(budget) > 0).orElse(budget);
        this.lease = base.plus(backend.limits.leaseMargin()).plusMillis(1);
    }

    /**
     * @return whether the shared limits made the call wait: a permit or lock not free at the first ask (a try), a
     *     token waited for, an answer that failed or came late; an uncontended call's round trips are no wait
     */
    public boolean waited() {
        return waited;
    }

    /** @return whether the call fell back to the in-JVM limits alone */
    public synchronized boolean fellBack() {
        return fellBack;
    }

    /**
     * Takes everything, then runs {@code granted}; or answers {@code refused} (holding nothing then). Neither runs
     * once the hold is released.
     *
     * @param granted the next step, run on the library's shared-limits thread
     * @param refused why the call cannot run: {@code RATE_LIMITED} or {@code LIMITS_UNAVAILABLE}
     */
    public void start(Runnable granted, Consumer<LimitRefusal> refused) {
        AtomicBoolean answered = new AtomicBoolean();
        Consumer<LimitRefusal> refusedOnce = refusal -> {
            if (answered.compareAndSet(false, true)) {
                try {
                    refused.accept(refusal);
                } catch (RuntimeException e) {
                    log.error("Answering a call refused by the shared limits of integration '{}' failed",
                            integration, e);
                }
            }
        };
        Runnable grantedOnce = () -> {
            if (answered.compareAndSet(false, true)) {
                try {
                    granted.run();
                } catch (RuntimeException e) {
                    // the call still gets an outcome, and the backend's thread goes on
                    log.error("The step after the shared limits of integration '{}' failed; the call is answered"
                            + " with TOOL_ERROR", integration, e);
                    refundTokens();
                    release();
                    answered.set(false);
                    refusedOnce.accept(new LimitRefusal("the call could not start after its shared limits ("
                            + e.getClass().getSimpleName() + "); the call did not run", ErrorCode.TOOL_ERROR));
                }
            }
        };
        backend.run(() -> step(keys.isEmpty() ? 1 : 0, grantedOnce, refusedOnce));
    }

    private void step(int step, Runnable granted, Consumer<LimitRefusal> refused) {
        if (isReleased()) {
            return;
        }
        if (step >= 2 + rates.size()) {
            startRenewing();
            granted.run();
            return;
        }
        if (step == 1 && capacity <= 0) {
            step(2, granted, refused);
            return;
        }
        if (backend.skip()) {
            unavailable(null, step, granted, refused);
            return;
        }
        // The first ask for a permit or lock only tries, so that a call the backend makes wait is told apart.
        boolean first = step < 2 && tried != step;
        tried = step;
        long window = first ? 0
                : Math.min(WAIT_WINDOW_NANOS, Math.max(0, Durations.remaining(deadlineNanos, ticker.read())));
        long timeout = backend.limits.timeout().toNanos() + (step < 2 ? window : 0);
        if (step < 2) {
            Duration maxWait = Duration.ofNanos(window);
            backend.<Optional<SharedLimits.Lease>>ask(
                    () -> step == 0 ? backend.limits.lock(keys, writes, maxWait, lease)
                            : backend.limits.acquire(integration, capacity, maxWait, lease),
                    timeout,
                    (got, error) -> {
                        if (error != null) {
                            unavailable(error, step, granted, refused);
                        } else if (got.isPresent()) {
                            if (keep(got.get())) {
                                step(step + 1, granted, refused);
                            }
                        } else if (first || window > 0) {
                            waited = true;
                            step(step, granted, refused); // not free at once or within the window: ask again
                        } else {
                            // the budget is spent: the turn is closing; do not spin on the backend meanwhile
                            waitThen(() -> step(step, granted, refused), RETRY_AFTER_BUDGET_NANOS);
                        }
                    },
                    late -> late.ifPresent(SharedLimits.Lease::release));
            return;
        }
        Rate rate = rates.get(step - 2);
        long asked = ticker.read();
        backend.<Long>ask(() -> backend.limits.consume(rate.bucket(), rate.bandwidths()), timeout,
                (wait, error) -> {
                    if (error != null) {
                        unavailable(error, step, granted, refused);
                    } else if (wait == 0) {
                        if (keepToken(new Taken(rate, asked))) {
                            step(step + 1, granted, refused);
                        }
                    } else if (wait == Long.MAX_VALUE || Durations.endsAfter(ticker.read(), wait, deadlineNanos)) {
                        refuse(new LimitRefusal("integration '" + integration + "' is rate limited across every JVM ("
                                + rate.what() + ") and no permit would come before the turn's budget runs out;"
                                + " the call did not run"), refused);
                    } else {
                        waitThen(() -> step(step, granted, refused), wait);
                    }
                },
                late -> {
                    if (late == 0) {
                        refund(new Taken(rate, asked));
                    }
                });
    }

    private void unavailable(Throwable error, int step, Runnable granted, Consumer<LimitRefusal> refused) {
        waited |= error != null; // it waited for an answer that failed or came late; a skipped backend is at once
        if (backend.limits.onFailure() == SharedLimits.OnFailure.FALLBACK) {
            synchronized (this) {
                fellBack = true;
            }
            backend.fellBack();
            startRenewing();
            granted.run(); // under the in-JVM limits alone, keeping what it took of the shared ones
            return;
        }
        backend.refused();
        refuse(new LimitRefusal("the shared limits (" + backend.limits.backend() + ") could not be reached"
                + (error == null ? "" : " (" + error.getClass().getSimpleName() + ")")
                + " and this configuration refuses to run without them; the call did not run",
                ErrorCode.LIMITS_UNAVAILABLE), refused);
    }

    private void refuse(LimitRefusal refusal, Consumer<LimitRefusal> refused) {
        if (isReleased()) {
            return;
        }
        refundTokens();
        release(); // the call does not run: what it took goes back
        refused.accept(refusal);
    }

    private boolean keep(SharedLimits.Lease got) {
        synchronized (this) {
            if (!released) {
                held.add(got);
                if (renewal == null) {
                    // renewed from the first lease on, so that a lock or permit held while the call waits for
                    // a later step does not run out meanwhile
                    renewal = backend.renewLater(this::renew, renewPeriodNanos());
                }
                return true;
            }
        }
        got.release(); // released meanwhile: the grant goes back at once
        return false;
    }

    private boolean keepToken(Taken taken) {
        synchronized (this) {
            if (!released && !refunded) {
                consumed.add(taken);
                return true;
            }
        }
        refund(taken);
        return false;
    }

    /**
     * Gives a token back only while that cannot exceed the rate ({@link Rate#refundableNanos}): a token given back
     * after the bucket filled up again would be one the rate never had. Left spent otherwise, which is safe.
     */
    private void refund(Taken taken) {
        if (ticker.read() - taken.askedAtNanos() >= taken.rate().refundableNanos()) {
            return;
        }
        Rate rate = taken.rate();
        backend.ask(() -> backend.limits.refund(rate.bucket(), rate.bandwidths()),
                backend.limits.timeout().toNanos(), (ok, error) -> {}, null);
    }

    private void waitThen(Runnable step, long nanos) {
        waited = true;
        synchronized (this) {
            if (!released) {
                waiting = backend.later(step, nanos);
            }
        }
    }

    private synchronized boolean isReleased() {
        return released;
    }

    private long renewPeriodNanos() {
        return Math.max(1, lease.toNanos() / 2);
    }

    private void startRenewing() {
        synchronized (this) {
            if (released || held.isEmpty() || renewal != null) {
                return; // renewing already since the first lease was kept
            }
            renewal = backend.renewLater(this::renew, renewPeriodNanos());
        }
    }

    private void scheduleNextRenewal() {
        synchronized (this) {
            if (!released && !held.isEmpty()) {
                renewal = backend.renewLater(this::renew, renewPeriodNanos());
            }
        }
    }

    private void renew() {
        List<SharedLimits.Lease> leases;
        synchronized (this) {
            if (released) {
                return;
            }
            leases = List.copyOf(held);
        }
        for (SharedLimits.Lease each : leases) {
            backend.ask(() -> each.renew(lease), backend.limits.timeout().toNanos(), (ok, error) -> {
                if (error == null && Boolean.FALSE.equals(ok) && !isReleased()) {
                    backend.lostLease();
                    log.warn("A shared lease of integration '{}' ({}) was lost: another JVM may hold it now",
                            integration, backend.limits.backend());
                }
            }, null);
        }
        scheduleNextRenewal();
    }

    /**
     * Gives back a token taken for a call that did not run after all, or whose request the upstream refused (429),
     * when it was taken less than one token's refill time ago ({@link #refund}); each token at most once. A token
     * granted after this goes back as it comes (the attempt does not run).
     */
    public void refundTokens() {
        List<Taken> tokens;
        synchronized (this) {
            refunded = true; // a grant still on its way (the withdraw races with it) goes back when it comes
            tokens = List.copyOf(consumed);
            consumed.clear();
        }
        tokens.forEach(this::refund);
    }

    /** Gives back every permit and lock, stops every wait and renewal; only the first call does anything. */
    public void release() {
        List<SharedLimits.Lease> leases;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            leases = new ArrayList<>(held);
            held.clear();
            if (waiting != null) {
                waiting.cancel(false);
            }
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
        for (int k = leases.size() - 1; k >= 0; k--) {
            SharedLimits.Lease each = leases.get(k);
            // A release the backend does not answer is covered by the lease: the permit comes back when it ends.
            backend.ask(each::release, backend.limits.timeout().toNanos(), (ok, error) -> {}, null);
        }
    }
}
