package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ToolCallContext;
import io.github.parallel4j.internal.limit.Admission;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.FairSlots;
import io.github.parallel4j.internal.limit.LimitRefusal;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.Durations;
import io.github.parallel4j.internal.limit.SharedHold;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a call's tool: what it holds on its way to a thread ({@link Admission}), and, once it has one, the
 * steps on that thread: the caller's context restored, the rate permit taken, the tool run under its timeout, and
 * the outcome handed back to its turn.
 *
 * <p>Fields are guarded by the turn's monitor; the admission keeps its own.
 */
final class Attempt implements Runnable {

    /**
     * How long a call's thread may wait for its rate permit: the timer wakes a paced call when a permit should be
     * there, and the thread takes it (waiting this long at most, for calls woken together); short enough that
     * waiting holds no thread to speak of. A call that gets no permit by then gives its thread and JVM-wide slot
     * up and waits on the timer again.
     */
    static final long PACE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    final TurnRun turn;
    final CallState state;
    final int number;
    final JsonNode arguments;
    final Admission admission;
    /** Its resource keys with whether it writes them, sorted; set before its locks are asked for. */
    private TreeMap<String, Boolean> keys;

    // Guarded by the turn's monitor.
    Thread thread;
    boolean started;
    boolean returned;
    boolean abandoned;
    long startNanos = -1;
    ScheduledFuture<?> timeout;
    /** Whether the tool stopped for an interrupt (its own thread's; read by that thread only). */
    private boolean interruptedInTool;

    Attempt(TurnRun turn, CallState state, int number, JsonNode arguments) {
        this.turn = turn;
        this.state = state;
        this.number = number;
        this.arguments = arguments;
        this.admission = new Admission(() -> turn.isLive(this), turn.scheduler.ticker(), state);
    }

    PlannedCall call() {
        return state.call;
    }

    /** Asks for the call's invocation lock and key locks, then goes on ({@link #afterLocks}) once they are held. */
    void lock(TreeMap<String, Boolean> keys) {
        this.keys = keys;
        ResourceLocks.Request request = CallLocks.request(turn.scheduler.locks(), turn.options.invocationLock(), call(), keys,
                () -> admission.onLocked(this::afterLocks), admission);
        if (request == null) {
            afterLocks();
        } else {
            admission.lock(request);
        }
    }

    /**
     * With its locks held no write to its keys is running, so a kept result is as good as a fresh one; and it is
     * answered before any cap or permit, so it spends neither. Otherwise the call goes on to its caps.
     */
    void afterLocks() {
        PlannedCall call = call();
        ToolOutput kept = cachedOrNull(call);
        if (kept != null) {
            admission.release();
            end(CallOutcome.fromCache(call, kept, turn.now()));
            return;
        }
        List<FairSlots> caps;
        try {
            caps = caps(turn.turnSlots, turn.scheduler.gate(), call);
        } catch (RuntimeException e) {
            failBeforeStart(ErrorCode.TOOL_ERROR, "the call's limits could not be applied: "
                    + CallFailure.messageOf(e), e);
            return;
        }
        admission.acquire(caps, this::share);
    }

    /** Takes the call's share of limits held outside the JVM, if any (holding no thread), then paces it. */
    private void share() {
        SharedHold hold;
        try {
            hold = turn.scheduler.gate().shared(call(), turn.options.rateLimitKey(), turn.budget.deadline(), keys);
        } catch (RuntimeException e) {
            failBeforeStart(ErrorCode.TOOL_ERROR, "the call's shared limits could not be applied: "
                    + CallFailure.messageOf(e), e);
            return;
        }
        if (hold == null) {
            pace();
            return;
        }
        // marked as the library's own steps: a turn that ends on the shared-limits thread hands its completion off
        admission.share(hold, call().policy().integration().orElse(null), OnTimer.mark(this::pace),
                refusal -> OnTimer.mark(() -> failBeforeStart(refusal.code(), refusal.getMessage(), null)).run());
    }

    private ToolOutput cachedOrNull(PlannedCall call) {
        try {
            return turn.runner.cached(call, arguments).orElse(null);
        } catch (RuntimeException e) {
            return null; // a broken cache must not stop the call: run it
        }
    }

    /**
     * Waits on the timer until the call's rate permit should be there (consuming nothing), holding no thread and no
     * JVM-wide slot; then takes the JVM-wide slot and a thread, which takes the permit ({@link #paceOnThread}).
     */
    private void pace() {
        CallGate gate = turn.scheduler.gate();
        long wait;
        try {
            wait = gate.estimate(call(), turn.options.rateLimitKey(), turn.budget.deadline());
        } catch (LimitRefusal refusal) {
            failBeforeStart(refusal.code(), refusal.getMessage(), null);
            return;
        } catch (RuntimeException e) {
            failBeforeStart(ErrorCode.TOOL_ERROR, "the call's limits could not be applied: "
                    + CallFailure.messageOf(e), e);
            return;
        }
        if (wait <= 0) {
            FairSlots global = gate.global();
            admission.acquire(global == null ? List.of() : List.of(global), this::submit);
            return;
        }
        try {
            CallGate.RateHold held = gate.rateHold(call(), turn.options.rateLimitKey());
            admission.pace(turn.scheduler.timer(), wait, held.step(), held.on(), OnTimer::mark, this::pace);
        } catch (RuntimeException e) {
            failBeforeStart(ErrorCode.TOOL_ERROR, "the call could not wait for its rate permit: "
                    + CallFailure.messageOf(e), e);
        }
    }

    private void submit() {
        if (mayRunOnCaller() && CallerSlot.offer(this)) {
            return; // the thread that is starting the turn runs it, once the turn is started (CallerSlot)
        }
        if (Launches.offer(this)) {
            return; // launched with the other calls made ready together, the wake-ups shared out (Launches)
        }
        submitAfterAll();
    }

    /** Whether nothing promised would break if the thread starting the turn ran this attempt (see CallerSlot). */
    private boolean mayRunOnCaller() {
        return turn.scheduler.callerRuns() && !turn.budget.isLimited() && !(turn instanceof StreamedTurn)
                && call().policy().timeout().isEmpty();
    }

    /** Hands the attempt to the tool executor; answers the call with a failure if the executor refuses it. */
    void submitAfterAll() {
        submitAfterAll(this);
    }

    /**
     * Hands a task that runs the attempt to the tool executor; answers the call with a failure if the executor refuses
     * it.
     *
     * @param task this attempt, or a task that runs it ({@link Launches})
     */
    void submitAfterAll(Runnable task) {
        try {
            turn.scheduler.executor().execute(task);
        } catch (RuntimeException | Error e) {
            failBeforeStart(ErrorCode.TOOL_ERROR, "the tool could not be started: the executor refused it ("
                    + CallFailure.messageOf(e) + ")", e);
        }
    }

    /** The attempt's end before it ran: answers the call (or retries it) with a failure. */
    void failBeforeStart(ErrorCode code, String message, Throwable cause) {
        admission.refundShared(); // it did not run: the shared rate tokens it took go back
        admission.release();
        end(CallOutcome.failure(call(), code, message, cause, state.readyAt(), -1, turn.now(), number));
    }

    /** On a tool thread: installs the caller's context around the attempt ({@link CapturedContext}). */
    @Override
    public void run() {
        Runnable restore;
        try {
            restore = turn.context.install();
        } catch (CapturedContext.InstallFailure e) {
            failBeforeStart(ErrorCode.TOOL_ERROR, "the tool could not be started: " + e.getMessage(), e.getCause());
            return;
        }
        try {
            runOnThread();
        } finally {
            restore.run();
        }
    }

    /**
     * Runs the attempt on the thread that started its turn ({@link CallerSlot#runHere()}): as on a tool thread, and
     * then, when the tool stopped for an interrupt that was not the library's, the thread keeps that interrupt.
     */
    void runOnCaller() {
        if (turn.context.isCurrentThreads()) {
            runOnThread(); // the thread the context was captured on has it: installing it again could only undo it
        } else {
            run();
        }
        boolean callersInterrupt;
        synchronized (turn) {
            callersInterrupt = interruptedInTool && !abandoned;
        }
        if (callersInterrupt) {
            Thread.currentThread().interrupt();
        }
    }

    private void runOnThread() {
        PlannedCall call = call();
        boolean live;
        synchronized (turn) {
            live = turn.isLive(this);
            if (live) {
                thread = Thread.currentThread();
            }
        }
        if (!live) {
            admission.refundShared(); // closed while queued: it did not run
            admission.release(); // its outcome is written already
            return;
        }
        CallOutcome outcome;
        Throwable fatal = null;
        boolean waitsAgain = false;
        try {
            if (!paceOnThread()) {
                waitsAgain = true;
                return; // back to waiting on the timer, without this thread, keeping its locks and other slots
            }
            long start;
            synchronized (turn) {
                if (!turn.isLive(this)) {
                    throw new InterruptedException();
                }
                start = turn.now();
                startNanos = start;
                started = true;
                call.policy().timeout().ifPresent(t -> timeout = turn.scheduler.timer().schedule(
                        OnTimer.mark(this::timeOut), Durations.nanos(t), TimeUnit.NANOSECONDS));
            }
            ToolCallContext toolContext = new ToolCallContext(call.id(), call.name(), number, idempotencyKey());
            ToolOutput output = toolContext.bind(() -> turn.runner.run(call, arguments));
            outcome = CallOutcome.success(call, output, state.readyAt(), start, turn.now(), number);
        } catch (CallFailure f) {
            interruptedInTool = causedByInterrupt(f.getCause());
            outcome = CallOutcome.failure(call, f.code(), f.getMessage(), f.getCause(), state.readyAt(),
                    startNanos(), turn.now(), number);
        } catch (InterruptedException e) {
            interruptedInTool = true;
            outcome = CallOutcome.failure(call, ErrorCode.CANCELLED, "the call was interrupted", e, state.readyAt(),
                    startNanos(), turn.now(), number);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                fatal = e;
            }
            interruptedInTool = causedByInterrupt(e);
            outcome = CallOutcome.failure(call, ErrorCode.TOOL_ERROR, CallFailure.messageOf(e), e, state.readyAt(),
                    startNanos(), turn.now(), number);
        } finally {
            if (!waitsAgain) {
                synchronized (turn) {
                    returned = true; // from here on, a timeout can no longer claim this attempt
                }
                admission.release(); // its locks too: an abandoned call keeps them until its tool returns
            }
        }
        end(outcome);
        if (fatal instanceof Error error) {
            throw error; // after the outcome is recorded: the caller is answered, the thread dies as it should
        }
    }

    /** Whether the tool stopped for its own thread's interrupt: it threw one, or one wrapped once (as reflection does). */
    private static boolean causedByInterrupt(Throwable e) {
        return e instanceof InterruptedException || e != null && e.getCause() instanceof InterruptedException;
    }

    /** The caps a call takes after its locks, in order: its turn's, then its integration's. */
    private static List<FairSlots> caps(FairSlots turn, CallGate gate, PlannedCall call) {
        List<FairSlots> chain = new ArrayList<>(2);
        if (turn != null) {
            chain.add(turn);
        }
        chain.addAll(gate.slots(call));
        return chain;
    }

    /** The same for every attempt of the call: an upstream can tell a retry from a new request. */
    private String idempotencyKey() {
        return IdempotencyKeys.of(turn.key, call().id());
    }

    private long startNanos() {
        synchronized (turn) {
            return startNanos;
        }
    }

    /**
     * Takes the call's rate permit just before it starts, so that permits are spent when requests are really made.
     * When none comes within {@link #PACE_WINDOW_NANOS} (calls woken together, one permit), the call gives up its
     * thread and JVM-wide slot and waits on the timer again.
     *
     * @return true to start now, false when the call went back to waiting
     */
    private boolean paceOnThread() throws CallFailure, InterruptedException {
        TurnBudget budget = turn.budget;
        long window = turn.scheduler.ticker().read() + PACE_WINDOW_NANOS;
        boolean last = budget.reachedBy(window);
        try {
            turn.scheduler.gate().pace(call(), turn.options.rateLimitKey(), last ? budget.deadline() : window, state);
            return true;
        } catch (LimitRefusal refusal) {
            if (last) {
                admission.refundShared(); // refused before it ran: the shared rate tokens it took go back
                throw new CallFailure(refusal.code(), refusal.getMessage(), null);
            }
        }
        synchronized (turn) {
            if (!turn.isLive(this)) {
                throw new InterruptedException(); // closed meanwhile: end through the usual path
            }
            thread = null;
        }
        admission.giveBack(turn.scheduler.gate().global());
        pace();
        return false;
    }

    /** Decides what the attempt's end means: the call's outcome, another attempt, or nothing (superseded). */
    void end(CallOutcome outcome) {
        RetryDecision next;
        synchronized (turn) {
            if (timeout != null) {
                timeout.cancel(false);
            }
            thread = null;
            if (abandoned) {
                turn.scheduler.abandoned(-1);
                // Whatever close() or the timeout sent this thread is spent: a pooled thread must not carry it on.
                Thread.interrupted();
            }
            if (!turn.isLive(this)) {
                return; // closed, timed out and replaced, or answered already
            }
            next = turn.decide(state, outcome);
        }
        turn.conclude(this, outcome, next);
    }

    /** The tool ran past its own timeout: interrupt it, and answer (or retry) without waiting for it to stop. */
    private void timeOut() {
        PlannedCall call = call();
        CallOutcome outcome;
        RetryDecision next;
        synchronized (turn) {
            if (!turn.isLive(this) || thread == null || returned) {
                return;
            }
            outcome = CallOutcome.failure(call, ErrorCode.TIMEOUT, "the tool ran past its timeout of "
                    + Durations.format(call.policy().timeout().orElseThrow()) + "; it was interrupted", null,
                    state.readyAt(), startNanos, turn.now(), number);
            turn.abandon(this);
            state.current = null; // its thread may linger; whatever it returns is ignored
            next = turn.decide(state, outcome);
        }
        turn.conclude(this, outcome, next);
    }
}
