package io.github.parallel4j.internal.limit;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What one attempt of a call must hold before it is given a thread, taken in one fixed order for every call and
 * without holding a thread, so that a waiting call is an entry in a queue and no two calls can wait for each
 * other: its invocation lock and resource-key locks ({@link #lock}); then, once the caller has had its say (an answer
 * from the read cache spends nothing), its turn's cap and its integration's slots ({@link #acquire}); its share of
 * limits held outside the JVM, when there are any ({@link #share}); the time its rate permit should come, waited out
 * on the timer ({@link #pace}); and last the JVM-wide slot. Whatever it took is released exactly once
 * ({@link #release()}, or {@link #withdraw()} when its turn closes while it waits).
 *
 * <p>Internal: public only so that the scheduler's package can use it.
 *
 * <p>Each step that does not let the call through at once writes down, when it does (or when the turn withdraws the
 * call from it), what held the call and for how long ({@link HoldLog}): the line of the lock it waited in, the cap
 * it queued for, the timer it waited on, the shared limits (only when they made it wait: {@link SharedHold#waited}).
 * A step that lets the call through at once writes nothing and allocates nothing.
 *
 * <p>Thread-safe. Its bookkeeping is guarded by its own monitor (the time it joined a lock's line by the lock table's,
 * which calls {@link #waiting} and {@link #left}); the liveness check it is given may take the caller's monitor
 * while it is held, so the caller never calls into an admission while holding its own.
 */
@Internal
public final class Admission implements ResourceLocks.LineWatch {

    private final BooleanSupplier live;
    private final Ticker ticker;
    private final HoldLog log;
    /** When it joined the line of the lock it waits for. Guarded by the lock table's monitor. */
    private long lineSince;

    // Guarded by this.
    /** The concurrency slots it holds, released in reverse order. */
    private final List<FairSlots> held = new ArrayList<>(3);
    /** Whether someone has taken its resources to release: exactly one does, after which nothing is kept. */
    private boolean taken;
    /** The slot request it waits on, if any, so that closing the turn can withdraw it; its cap and when it asked. */
    private FairSlots.Ticket ticket;
    private FairSlots ticketSlots;
    private long ticketSince;
    /** Its invocation lock and resource-key locks, null when it needs none; {@code locked} once they are held. */
    private ResourceLocks.Request locks;
    private boolean locked;
    /** The timer task waiting until a rate permit should be there; while it waits, what for and since when. */
    private Future<?> paceWait;
    private HeldBy paceStep;
    private String paceOn;
    private long paceSince;
    /** What it takes of limits shared outside the JVM, or null; while it waits for them, on what and since when. */
    private SharedHold shared;
    private String sharedOn;
    private long sharedSince = -1;

    /**
     * @param live whether the attempt still wants what it asked for; a grant to a dead attempt is declined and
     *     passes on to the next in line
     * @param ticker the scheduler's time source
     * @param log where each step that held the call writes it down
     */
    public Admission(BooleanSupplier live, Ticker ticker, HoldLog log) {
        this.live = live;
        this.ticker = ticker;
        this.log = log;
    }

    @Override
    public void waiting(Object key) {
        lineSince = ticker.read();
    }

    @Override
    public void left(Object key) { // the invocation lock is a lock object, a resource key its text
        log.held(key instanceof String ? HeldBy.KEY_LOCK : HeldBy.INVOCATION_LOCK,
                key instanceof String text ? text : null, lineSince, ticker.read());
    }

    /**
     * Asks for the attempt's locks, all in one request; {@code then} runs once they are held (at once, or on the
     * thread that releases them). An attempt withdrawn before its request was placed (its turn closed between
     * making the attempt and asking: the withdrawal found nothing, or nothing placed, to take out of a line) takes
     * the request out of line itself, rather than leaving it waiting, dead, until the locks come to it.
     *
     * @param request the invocation lock and key locks, made with {@link #onLocked} as its grant callback
     */
    public void lock(ResourceLocks.Request request) {
        synchronized (this) {
            locks = request; // before placing it: closing the turn can withdraw it from here on
        }
        request.place();
        boolean withdrawn;
        synchronized (this) {
            withdrawn = taken && !locked; // a withdrawal from here on finds it placed and takes it out itself
        }
        if (withdrawn) {
            request.cancel(); // granted meanwhile instead: the grant was declined, and this does nothing
        }
    }

    /**
     * The grant callback of the request given to {@link #lock}: keeps the locks and runs {@code then}, or declines
     * them if the attempt is dead by now.
     *
     * @param then the next step
     * @return whether the locks are kept
     */
    public boolean onLocked(Runnable then) {
        synchronized (this) {
            if (!live.getAsBoolean() || taken) {
                return false; // closed meanwhile: its outcome is written, and the locks pass on
            }
            locked = true;
        }
        then.run();
        return true;
    }

    /**
     * Takes the slots of {@code chain} one by one, in order and without blocking, then runs {@code then}.
     *
     * @param chain the caps, in the fixed order
     * @param then the next step, run on the thread that granted the last slot
     */
    public void acquire(List<FairSlots> chain, Runnable then) {
        acquire(chain, 0, then);
    }

    private void acquire(List<FairSlots> chain, int k, Runnable then) {
        if (k == chain.size()) {
            then.run();
            return;
        }
        FairSlots slots = chain.get(k);
        FairSlots.Ticket next = slots.ticket(() -> onGranted(chain, k, then));
        Held release = null;
        synchronized (this) {
            if (live.getAsBoolean() && !taken) {
                ticket = next;
                ticketSlots = slots;
                ticketSince = slots.step() == null ? 0 : ticker.read();
            } else {
                release = take();
            }
        }
        if (release != null) {
            release.release(); // closed meanwhile: its outcome is written
            return;
        }
        slots.enqueue(next);
    }

    /** A slot was granted: keep it and go on to the next, or decline it if the attempt is dead by now. */
    private boolean onGranted(List<FairSlots> chain, int k, Runnable then) {
        Held release = null;
        FairSlots.Ticket granted;
        long since;
        synchronized (this) {
            granted = ticket;
            since = ticketSince;
            ticket = null;
            if (live.getAsBoolean() && !taken) {
                held.add(chain.get(k));
            } else {
                release = take();
            }
        }
        FairSlots slots = chain.get(k);
        if (slots.step() != null && granted != null && granted.queued()) {
            log.held(slots.step(), slots.name(), since, ticker.read()); // dead by now too: sealed at its outcome
        }
        if (release != null) {
            release.release();
            return false;
        }
        acquire(chain, k + 1, then);
        return true;
    }

    /**
     * Takes the call's share of limits held outside the JVM ({@link SharedHold}), holding no thread, then runs
     * {@code then}; or answers {@code refused} when the call cannot run (what it held is released first).
     *
     * @param hold what to take, from {@link CallGate#shared}
     * @param on the integration whose shared limits they are, to name what held the call
     * @param then the next step, run on the shared limits' thread
     * @param refused the step for a refusal ({@code RATE_LIMITED}, {@code LIMITS_UNAVAILABLE})
     */
    public void share(SharedHold hold, String on, Runnable then, Consumer<LimitRefusal> refused) {
        Held release = null;
        synchronized (this) {
            if (live.getAsBoolean() && !taken) {
                shared = hold; // from here on, whoever takes the attempt's resources releases the hold too
                sharedOn = on;
                sharedSince = ticker.read();
            } else {
                release = take();
            }
        }
        if (release != null) {
            release.release(); // closed meanwhile: its outcome is written
            hold.release();
            return;
        }
        hold.start(() -> {
            synchronized (this) {
                if (!live.getAsBoolean() || taken) {
                    return; // closed meanwhile: the one who took its resources released the hold
                }
            }
            sharedDone(false);
            then.run();
        }, refusal -> {
            sharedDone(false);
            refused.accept(refusal);
        });
    }

    /** The shared limits answered, or the call was withdrawn: how long they held it, if they made it wait at all. */
    private void sharedDone(boolean withdrawn) {
        long since;
        String on;
        boolean waited;
        synchronized (this) {
            since = sharedSince;
            on = sharedOn;
            sharedSince = -1;
            waited = withdrawn || (shared != null && shared.waited()); // a first answer is a round trip, not a wait
        }
        if (since >= 0 && waited) {
            log.held(HeldBy.SHARED_LIMITS, on, since, ticker.read());
        }
    }

    /**
     * Gives back the shared rate tokens the attempt took ({@link SharedHold#refundTokens}): it does not run after
     * all. Call before {@link #release}; a no-op without shared limits, or when they were given back already.
     */
    public void refundShared() {
        SharedHold hold;
        synchronized (this) {
            hold = shared;
        }
        if (hold != null) {
            hold.refundTokens();
        }
    }

    /**
     * Waits on the timer until the rate permit should be there, holding no thread and no JVM-wide slot.
     *
     * @param timer the shared timer
     * @param waitNanos how long
     * @param step what the wait is for: {@link HeldBy#RATE}, or {@link HeldBy#PAUSE} after an upstream 429
     * @param on which rate or integration
     * @param onTimer marks the task as the library's own step on the shared timer
     * @param then the step to run after the wait
     * @return false when the attempt is dead already (what it held is released) and nothing was scheduled
     * @throws java.util.concurrent.RejectedExecutionException when the timer refuses the task
     */
    public boolean pace(ScheduledExecutorService timer, long waitNanos, HeldBy step, String on,
            UnaryOperator<Runnable> onTimer, Runnable then) {
        Held release = null;
        synchronized (this) {
            if (!live.getAsBoolean() || taken) {
                release = take();
            } else {
                paceStep = step;
                paceOn = on;
                paceSince = ticker.read();
            }
        }
        if (release != null) {
            release.release(); // closed meanwhile: its outcome is written
            return false;
        }
        Future<?> waiting;
        try {
            waiting = timer.schedule(onTimer.apply(() -> {
                paceDone();
                then.run();
            }), waitNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            paceDone();
            throw e;
        }
        synchronized (this) {
            paceWait = waiting;
        }
        return true;
    }

    /** The timer wait ended (or was withdrawn): writes down how long it held the call, once. */
    private void paceDone() {
        HeldBy step;
        String on;
        long since;
        synchronized (this) {
            step = paceStep;
            on = paceOn;
            since = paceSince;
            paceStep = null;
        }
        if (step != null) {
            log.held(step, on, since, ticker.read());
        }
    }

    /**
     * Gives back one slot early, while keeping the rest: a call whose permit did not come in time gives up its
     * JVM-wide slot (with its thread) and waits on the timer again.
     *
     * @param slots the cap whose slot to give back, or null for none
     */
    public void giveBack(FairSlots slots) {
        boolean release;
        synchronized (this) {
            release = slots != null && !taken && held.remove(slots);
        }
        if (release) {
            slots.release();
        }
    }

    /** Releases whatever the attempt holds or waits for; only the first release or withdrawal does anything. */
    public void release() {
        Held release;
        synchronized (this) {
            release = take();
        }
        release.release();
    }

    /**
     * Takes what the attempt holds away from it, for a turn that closed while the attempt had no thread, and
     * withdraws its slot request and timer wait at once; what it held is released (and the shared rate tokens it
     * took given back: it never ran) by the returned step, which a closing turn runs once every attempt's waits are
     * withdrawn.
     *
     * @return releases what the attempt held; does nothing when it was released already
     */
    public Runnable withdraw() {
        Held release;
        FairSlots.Ticket waitingFor;
        FairSlots waitingForSlots;
        long since;
        Future<?> waiting;
        synchronized (this) {
            release = take();
            waitingFor = ticket;
            waitingForSlots = ticketSlots;
            since = ticketSince;
            waiting = paceWait;
            ticket = null;
        }
        if (release != Held.NOTHING) {
            // if it is being granted instead, the grant sees the attempt dead and passes it on; the one holding the
            // ticket (here, or the grant if it took it first) writes the wait down when it queued
            if (waitingFor != null && (waitingFor.cancel() || waitingFor.queued()) && waitingForSlots.step() != null) {
                log.held(waitingForSlots.step(), waitingForSlots.name(), since, ticker.read());
            }
            if (waiting != null) {
                waiting.cancel(false);
            }
            paceDone(); // at once, even when its task runs now or is not kept yet: only the first writes it
            sharedDone(true); // the lock table writes down a withdrawn lock wait itself
        }
        SharedHold hold = release.shared();
        return () -> {
            if (hold != null) {
                hold.refundTokens(); // withdrawn while it waited: it never ran, its shared rate tokens go back
            }
            release.release();
        };
    }

    /** Takes the resources for release; only the first caller gets them. Called holding this. */
    private Held take() {
        if (taken) {
            return Held.NOTHING;
        }
        taken = true;
        List<FairSlots> slots = held.isEmpty() ? List.of() : new ArrayList<>(held);
        held.clear();
        return new Held(slots, locks, locked, shared);
    }
}
