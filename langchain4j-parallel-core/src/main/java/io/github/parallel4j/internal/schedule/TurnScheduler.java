package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Starts {@link TurnRun}s: owns what every turn shares (the executor that runs tools, the resource locks, the
 * gate that applies limits, the time source, the timer for budgets, the context propagators).
 *
 * <p>Thread-safe; one scheduler serves every turn of a {@code ParallelTools}.
 */
@Internal
public final class TurnScheduler {

    private final Executor executor;
    private final ResourceLocks locks;
    private final CallGate gate;
    private final Ticker ticker;
    private final ScheduledExecutorService timer;
    private final TurnDeadlines deadlines;
    private final List<ContextPropagator> propagators;
    private final AtomicInteger abandoned = new AtomicInteger();
    private final IntConsumer onAbandonedChange;
    private final boolean callerRuns;

    /**
     * @param executor runs tools, one task per call that may start now; it must not run tasks on the submitting thread
     * @param locks resource key locks shared by all turns
     * @param gate applies concurrency caps and rate limits
     * @param ticker the time source
     * @param timer fires turn budgets
     * @param propagators carry context to tool threads, applied in order
     * @param onAbandonedChange told the number of abandoned calls each time it changes (a pool can grow to
     *     make up for their threads)
     */
    public TurnScheduler(Executor executor, ResourceLocks locks, CallGate gate, Ticker ticker,
            ScheduledExecutorService timer, List<ContextPropagator> propagators, IntConsumer onAbandonedChange) {
        this(executor, locks, gate, ticker, timer, propagators, onAbandonedChange, false);
    }

    /**
     * @param executor runs tools, one task per call that may start now; it must not run tasks on the submitting thread
     * @param locks resource key locks shared by all turns
     * @param gate applies concurrency caps and rate limits
     * @param ticker the time source
     * @param timer fires turn budgets
     * @param propagators carry context to tool threads, applied in order
     * @param onAbandonedChange told the number of abandoned calls each time it changes
     * @param callerRuns whether a thread that starts a turn with no budget may run one call of it itself, through an
     *     open {@link CallerSlot}, and the tool threads a turn wakes may wake more ({@link Launches}): only for the
     *     library's own executor (a user's may do more around a task, with what the submitting thread has)
     */
    public TurnScheduler(Executor executor, ResourceLocks locks, CallGate gate, Ticker ticker,
            ScheduledExecutorService timer, List<ContextPropagator> propagators, IntConsumer onAbandonedChange,
            boolean callerRuns) {
        this.callerRuns = callerRuns;
        this.onAbandonedChange = Objects.requireNonNull(onAbandonedChange, "onAbandonedChange");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.deadlines = new TurnDeadlines(timer, ticker);
        this.propagators = List.copyOf(propagators);
    }

    /**
     * A scheduler that does not react to abandoned calls.
     *
     * @param executor runs tools, one task per call that may start now; it must not run tasks on the submitting thread
     * @param locks resource key locks shared by all turns
     * @param gate applies concurrency caps and rate limits
     * @param ticker the time source
     * @param timer fires turn budgets, tool timeouts and retries
     * @param propagators carry context to tool threads, applied in order
     */
    public TurnScheduler(Executor executor, ResourceLocks locks, CallGate gate, Ticker ticker,
            ScheduledExecutorService timer, List<ContextPropagator> propagators) {
        this(executor, locks, gate, ticker, timer, propagators, count -> {});
    }

    /**
     * Starts running a plan; calls that wait for nothing are submitted before this returns.
     *
     * @param plan the plan
     * @param runner runs each call's tool
     * @param options the turn's budget and invocation lock
     * @return the running turn
     */
    public TurnRun start(Plan plan, CallRunner runner, TurnOptions options) {
        return start(plan, runner, options, capture());
    }

    /**
     * Starts running a plan with context captured earlier, on another thread (for example the thread that
     * received the AI message, when the turn starts on one of LangChain4j's executor threads).
     *
     * @param plan the plan
     * @param runner runs each call's tool
     * @param options the turn's budget and invocation lock
     * @param captured what {@link #capture()} returned on the thread whose context the tools should see
     * @return the running turn
     */
    public TurnRun start(Plan plan, CallRunner runner, TurnOptions options, CapturedContext captured) {
        TurnRun run = new TurnRun(plan, runner, this, options, captured, false);
        CallerSlot.starting(run);
        run.begin();
        return run;
    }

    /**
     * Starts the turn of a streamed message, which holds no call yet: each call joins it as it arrives
     * ({@link StreamedTurn#add}), and its budget runs from now.
     *
     * @param empty the open plan's snapshot before its first call
     * @param runner runs each call's tool
     * @param options the turn's budget and invocation lock
     * @param captured what {@link #capture()} returned on the thread whose context the tools should see
     * @return the running turn, open until {@link StreamedTurn#seal} or until it closes
     */
    public StreamedTurn open(Plan empty, CallRunner runner, TurnOptions options,
            CapturedContext captured) {
        StreamedTurn run = new StreamedTurn(empty, runner, this, options, captured);
        run.begin();
        return run;
    }

    /**
     * Captures the current thread's context with every propagator, in order.
     *
     * @return the captured context, to install on tool threads
     * @throws IllegalStateException when a propagator's {@code capture()} returned null
     */
    public CapturedContext capture() {
        List<Supplier<Runnable>> captured = new ArrayList<>(propagators.size());
        for (ContextPropagator propagator : propagators) {
            captured.add(CapturedContexts.capture(propagator));
        }
        return CapturedContext.of(captured);
    }

    /**
     * Calls that were still running when their turn closed (budget or cancellation) and have not returned since:
     * tools that ignore interruption. They hold their thread, and their resource locks, until they return.
     *
     * @return the number of such calls now
     */
    public int abandonedCalls() {
        return abandoned.get();
    }

    void abandoned(int delta) {
        synchronized (abandoned) { // so that the listener sees the counts in the order they happened
            onAbandonedChange.accept(abandoned.addAndGet(delta));
        }
    }

    public Executor executor() {
        return executor;
    }

    /** @return whether a thread that starts a turn without a budget may run one of its calls ({@link CallerSlot}) */
    public boolean callerRuns() {
        return callerRuns;
    }

    /**
     * @return whether the threads a turn's calls wake may wake more of them ({@link Launches}): on the library's own
     *     executor only, as for {@link #callerRuns()}
     */
    boolean fansOut() {
        return callerRuns;
    }

    ResourceLocks locks() {
        return locks;
    }

    CallGate gate() {
        return gate;
    }

    /** @return the time source of turns */
    public Ticker ticker() {
        return ticker;
    }

    /** @return the timer that fires budgets, timeouts and retries; a step put on it goes through {@link #schedule} */
    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Runs a step of the library's own on the shared timer after a delay, marked as a timer step: a turn it ends
     * hands its completion (and the listeners waiting on it) to the tool executor, as a turn its budget ends does.
     * The only way to the timer from outside this package, so that no step reaches it unmarked.
     *
     * @param step a short step of the library's own, never a user's callback
     * @param delayNanos how long to wait first
     * @return the scheduled step, to cancel when it is no longer needed
     */
    public ScheduledFuture<?> schedule(Runnable step, long delayNanos) {
        return timer.schedule(OnTimer.mark(step), delayNanos, TimeUnit.NANOSECONDS);
    }

    TurnDeadlines deadlines() {
        return deadlines;
    }
}
