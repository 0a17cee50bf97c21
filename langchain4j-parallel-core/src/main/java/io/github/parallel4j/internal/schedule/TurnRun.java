package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.limit.Admission;
import io.github.parallel4j.internal.limit.FairSlots;
import io.github.parallel4j.internal.limit.LimitRefusal;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import io.github.parallel4j.internal.plan.References;
import io.github.parallel4j.internal.policy.Durations;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One turn being run: every call of a {@link Plan} starts the moment the calls it waits for have finished (an
 * eager graph, not wave barriers) and its limits allow, and yields exactly one {@link CallOutcome}.
 *
 * <p>The way of one call: ready (predecessors done, references filled) → what it needs, taken in one fixed order for
 * every call and without holding a thread, so that a waiting call is an entry in a queue and no two calls can wait for
 * each other: the invocation lock and its resource-key locks
 * ({@link io.github.parallel4j.internal.limit.ResourceLocks}), an
 * answer from the read cache if one is kept, its turn's cap, its integration's slots, the time its rate permit should
 * come (waited out on the timer), and last the JVM-wide slot → a tool thread, which takes the permit (so that permits
 * are spent when requests are really made) → the tool, under its own timeout → an outcome, or another attempt (retry
 * with backoff, or re-queue after an upstream 429) → locks and slots released.
 *
 * <p>With a budget, tools run only on the executor's threads, never on a thread that awaits the turn (the one that
 * called the AI service, or LangChain4j's): a budget is a promise that the turn returns on time even when a tool
 * ignores its interrupt, and a thread inside such a tool could not return. The hand-off that costs is kept small
 * instead: the thread that plans submits the ready calls (on the library's own executor, the threads it wakes wake
 * the rest: {@link Launches}), a
 * budget is a place in a shared line, not a timer task ({@link TurnDeadlines}), and without a budget the thread that
 * starts the turn runs a call itself ({@link CallerSlot}).
 *
 * <p>The timer is shared by every turn in the JVM, so only the library's own short steps run on it: when it ends a
 * turn (the budget), {@link #whenDone()} is completed on the tool executor, and listeners waiting on it never
 * delay another turn's budget.
 *
 * <p>Guarantees: each attempt runs at most once and a call has at most one live attempt, except that an attempt
 * abandoned after its timeout (a tool ignoring the interrupt) may still be finishing, holding its locks, while the
 * next runs; a call whose data dependency failed does not run ({@code DEPENDENCY_FAILED}); a reference that
 * cannot be filled stops only its own call ({@code UNRESOLVED_REFERENCE}). When the budget runs out or the turn is
 * cancelled (by the caller or by a fail-fast failure), every unfinished call gets its outcome at once
 * ({@code BUDGET_EXCEEDED} or {@code CANCELLED}), running tools are interrupted, and nothing starts afterwards:
 * the outcomes never wait for a tool that ignores interruption.
 *
 * <p>Thread-safe: outcomes may be awaited from any thread. Internally, a call's bookkeeping is guarded by this
 * object's monitor, and no lock of another object is ever taken while holding it (what a call holds on its way to
 * a thread keeps its own monitor: {@link Admission}).
 */
@Internal
public class TurnRun {

    /** Replaced as a streamed message's calls arrive: every call's plan is the latest one. */
    volatile Plan plan;
    // What its attempts read.
    final CallRunner runner;
    final TurnScheduler scheduler;
    final TurnOptions options;
    final CapturedContext context;
    final TurnBudget budget;
    final FairSlots turnSlots;
    /** The turn's name, stable and unique: idempotency keys derive from it. */
    final String key;
    /** Copied on write: a streamed message's calls join while others read it. */
    final List<CallState> calls;
    final CallGraph graph;
    private final CompletableFuture<List<CallOutcome>> done;
    final TurnCompletion completion;
    /** The turn's place in its budget's line, let go of when the turn is done; null without a budget. */
    private volatile TurnDeadlines.Entry deadlineEntry;

    // Guarded by this.
    private int retriesLeft;
    ErrorCode closedWith;
    String closedReason;

    TurnRun(Plan plan, CallRunner runner, TurnScheduler scheduler, TurnOptions options,
            CapturedContext context, boolean open) {
        this.plan = plan;
        this.runner = runner;
        this.scheduler = scheduler;
        this.options = options;
        this.context = context;
        this.key = options.key() != null ? options.key() : UUID.randomUUID().toString();
        this.budget = TurnBudget.starting(options.budget(), scheduler.ticker().read());
        this.turnSlots = options.maxConcurrent() > 0
                ? new FairSlots(options.maxConcurrent(), HeldBy.TURN_CAP, null) : null;
        this.retriesLeft = options.maxRetries();
        List<CallState> states = new ArrayList<>(plan.size());
        for (PlannedCall call : plan.calls()) {
            states.add(new CallState(call));
        }
        this.calls = new CopyOnWriteArrayList<>(states); // one copy for the batch, not one per call
        this.graph = new CallGraph(plan);
        this.done = new CompletableFuture<>();
        this.completion = new TurnCompletion(calls.size(), open, this::allDone);
        for (CallState state : calls) {
            state.outcome.whenComplete((outcome, error) -> completion.ended());
        }
        completion.start();
    }

    /**
     * Completes {@link #whenDone()}: whatever waits on it (turn listeners, observers, the AI service's glue) runs on
     * the thread that ended the last call (or on a thread waiting in {@code get()} for an outcome, which a
     * {@code CompletableFuture} lends to the completion it wakes from), except on the timer, which is shared by
     * every turn in the JVM: there it is handed to the tool executor, so that a slow listener delays no other turn.
     */
    private void allDone() {
        TurnDeadlines.Entry entry = deadlineEntry;
        if (entry != null) {
            entry.finished();
        }
        int members = completion.members();
        List<CallOutcome> all = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            all.add(calls.get(i).outcome.join());
        }
        List<CallOutcome> result = List.copyOf(all);
        if (OnTimer.isCurrent()) {
            try {
                scheduler.executor().execute(() -> done.complete(result));
                return;
            } catch (RuntimeException e) {
                // the executor refused: complete here rather than never
            }
        }
        done.complete(result);
    }

    void begin() {
        ArrayDeque<Integer> ready = new ArrayDeque<>(graph.roots());
        if (budget.isLimited() && (plan.size() > 0 || completion.isOpen())) {
            // No timer task of its own: the turn joins its budget's line (see TurnDeadlines).
            deadlineEntry = scheduler.deadlines().watch(budget.nanos(), budget.deadline(),
                    OnTimer.mark(() -> close(ErrorCode.BUDGET_EXCEEDED, budget.ranOut())));
        }
        drain(ready);
    }

    /** @return the plan being run */
    public Plan plan() {
        return plan;
    }

    /** @return the outcome of the call at {@code index} (its position in the batch): completed exactly once */
    public CompletableFuture<CallOutcome> outcome(int index) {
        return calls.get(index).outcome;
    }

    /** @return a future of every outcome, in the model's order, completed when the last call ends */
    public CompletableFuture<List<CallOutcome>> whenDone() {
        return done;
    }

    /** @return the nanosecond ticker value at which the turn started */
    public long originNanos() {
        return budget.origin();
    }

    /**
     * Lets the {@link Kind#EXTERNAL} call at {@code index} pass once its predecessors are done: the caller has reached
     * it, so what was emitted after it may run. Has no effect on other calls or when called twice.
     */
    public void release(int index) {
        if (graph.pass(index)) {
            ArrayDeque<Integer> ready = new ArrayDeque<>();
            ready.add(index);
            drain(ready);
        }
    }

    /** Cancels the turn ({@code reason} for the model): unfinished calls get CANCELLED, tools are interrupted. */
    public void cancel(String reason) {
        close(ErrorCode.CANCELLED, reason);
    }

    private void close(ErrorCode code, String reason) {
        List<CallOutcome> closed = new ArrayList<>();
        List<Attempt> waiting = new ArrayList<>();
        synchronized (this) {
            if (closedWith != null || done.isDone()) {
                return;
            }
            closedWith = code;
            closedReason = reason;
            long at = scheduler.ticker().read();
            long now = budget.elapsed(at);
            for (CallState state : calls) {
                if (state.isDone() || state.finishing) {
                    continue; // a finishing call's own outcome is being written by its thread
                }
                Attempt a = state.current;
                Holds.closed(plan, calls, state, budget.origin(), at, now, completion.isOpen()); // up to now
                closed.add(state.closedOutcome(code, reason, now));
                if (a != null && a.thread == null) {
                    waiting.add(a);
                }
                abandon(a);
            }
        }
        // Outside the monitor (an admission's callbacks take it): withdraw every wait first, then release; a grant
        // racing with the withdrawal sees the turn closed and passes the slot on.
        List<Runnable> release = new ArrayList<>(waiting.size());
        for (Attempt a : waiting) {
            release.add(a.admission.withdraw());
        }
        release.forEach(Runnable::run);
        for (CallOutcome outcome : closed) {
            CallState state = calls.get(outcome.call().index());
            state.outcome.complete(state.withHolds(outcome)); // the step it waited at wrote its wait on withdrawal
        }
        completion.seal(); // a streamed call that comes later is answered at once, outside the report
    }

    /** Interrupts an attempt's thread, if it has one, and counts it until it returns. Called holding this. */
    void abandon(Attempt a) {
        if (a != null && a.thread != null && !a.abandoned) {
            a.abandoned = true;
            scheduler.abandoned(1);
            a.thread.interrupt();
        }
        if (a != null && a.timeout != null) {
            a.timeout.cancel(false);
        }
    }

    void drain(ArrayDeque<Integer> ready) {
        drain(ready, true);
    }

    /** Lets ready calls go on; unless they may {@code start}, only those that need no run of their own end. */
    private void drain(ArrayDeque<Integer> ready, boolean start) {
        Launches launches = Launches.open(this);
        try {
            while (!ready.isEmpty()) {
                onReady(calls.get(ready.poll()), ready, start);
            }
        } finally {
            if (launches != null) {
                launches.close(); // the calls made ready together go to their threads together (Launches)
            }
        }
    }

    private void onReady(CallState state, ArrayDeque<Integer> ready, boolean start) {
        PlannedCall call = state.call;
        long now = now();
        synchronized (this) {
            if (state.isDone()) {
                return; // a streamed call rejected while it waited (a cycle that closed, a reference never filled)
            }
            state.readyAt(now);
            if (closedWith != null) {
                return; // its outcome was written by close()
            }
        }
        Holds.predecessors(plan, calls, state, budget.origin(), now);
        CallOutcome answered = Readiness.answerWithoutRunning(plan, state, this::outcomeNow, now);
        if (answered != null || !start) {
            Optional.ofNullable(answered).ifPresent(outcome -> complete(state, outcome, ready));
            return;
        }
        JsonNode arguments;
        try {
            arguments = References.fill(plan, call,
                    c -> Optional.ofNullable(outcomeNow(c.index())).flatMap(CallOutcome::value).orElse(null));
        } catch (References.UnresolvedReferenceException e) {
            complete(state, CallOutcome.failure(call, ErrorCode.UNRESOLVED_REFERENCE, e.getMessage(), null, now, -1,
                    now, 0), ready);
            return;
        }
        admit(state, arguments);
    }

    private CallOutcome outcomeNow(int index) {
        return calls.get(index).outcome.getNow(null);
    }

    /**
     * Starts a new attempt of a call: waits out a pause of its integration (after an upstream 429) on the timer,
     * then takes what it needs in the order of the class comment ({@link Admission}); then it is given a thread.
     */
    private void admit(CallState state, JsonNode arguments) {
        PlannedCall call = state.call;
        TreeMap<String, Boolean> keys;
        try {
            long paused = scheduler.gate().pausedNanos(call, budget.deadline());
            if (paused > 0) {
                later(state, HeldBy.PAUSE, call.policy().integration().orElse(null), () -> admit(state, arguments),
                        paused);
                return;
            }
            keys = CallLocks.keys(call, arguments);
        } catch (LimitRefusal refusal) {
            failNow(state, refusal.code(), refusal.getMessage());
            return;
        } catch (CallFailure f) {
            failNow(state, f.code(), f.getMessage());
            return;
        } catch (RuntimeException e) {
            failNow(state, ErrorCode.TOOL_ERROR, "the call's limits could not be applied: " + CallFailure.messageOf(e));
            return;
        }
        Attempt attempt;
        synchronized (this) {
            if (closedWith != null || state.isDone()) {
                return;
            }
            state.waitingAgain = false;
            attempt = new Attempt(this, state, ++state.attempts, arguments);
            state.current = attempt;
        }
        attempt.lock(keys);
    }

    /** What follows an attempt; spends its count and marks the call finishing or waiting. Called holding this. */
    RetryDecision decide(CallState state, CallOutcome outcome) {
        RetryDecision next = RetryDecision.after(state.call, outcome,
                new RetryDecision.Counts(state.retries, state.rateLimitRuns, retriesLeft), options, budget,
                scheduler.ticker().read(), ThreadLocalRandom.current());
        if (state.spend(next)) {
            retriesLeft--;
        }
        return next;
    }

    /** Acts on a decision taken under the monitor: another attempt later, or the call's outcome now. */
    void conclude(Attempt attempt, CallOutcome outcome, RetryDecision next) {
        CallState state = attempt.state;
        if (next.slowDown() != null) {
            try {
                scheduler.gate().slowDown(state.call, options.rateLimitKey(), next.slowDown(), scheduler.ticker());
            } catch (RuntimeException e) {
                // Slowing down is a courtesy to the upstream; the call's own outcome must not depend on it.
            }
        }
        if (!next.isFinal()) {
            later(state, HeldBy.RETRY, null, () -> admit(state, attempt.arguments), Durations.nanos(next.again()));
            return;
        }
        answer(state, next.decorate(state.call, outcome), outcome);
    }

    /** Writes a call's outcome, lets its dependents go on, and cancels the turn if a fail-fast call failed. */
    private void answer(CallState state, CallOutcome outcome, CallOutcome last) {
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        complete(state, outcome, ready);
        PlannedCall call = state.call;
        boolean failFast = !last.ok() && call.policy().onFailure().isFailFast();
        drain(ready, !failFast); // after a fail-fast failure nothing queued behind it starts: close() cancels that
        if (failFast) {
            close(ErrorCode.CANCELLED, call.id() + " (" + call.name() + ") failed (" + last.errorCode()
                    + ") and is fail-fast, so the turn was cancelled");
        }
    }

    /** Runs a step after a delay on the timer, written down as what held the call; fails the call if refused. */
    private void later(CallState state, HeldBy held, String on, Runnable step, long delayNanos) {
        try {
            TimedWait.start(this, state, held, on, step, delayNanos);
        } catch (RuntimeException e) {
            failNow(state, ErrorCode.TOOL_ERROR, "the call could not be scheduled again: " + CallFailure.messageOf(e));
        }
    }

    /** Ends a call that is not running with a failure, and lets its dependents go on. */
    private void failNow(CallState state, ErrorCode code, String message) {
        int made;
        synchronized (this) {
            if (closedWith != null || state.isDone()) {
                return;
            }
            made = state.attempts;
            state.finishing = true;
        }
        CallOutcome outcome = CallOutcome.failure(state.call, code, message, null, state.readyAt(), -1, now(), made);
        answer(state, outcome, outcome);
    }

    void complete(CallState state, CallOutcome outcome, ArrayDeque<Integer> ready) {
        if (state.outcome.complete(state.withHolds(outcome))) {
            graph.finished(state.index(), ready);
        }
    }

    synchronized boolean isLive(Attempt attempt) {
        CallState state = attempt.state;
        return closedWith == null && state.current == attempt && !state.isDone();
    }

    /** @return nanoseconds since the turn started */
    long now() {
        return budget.elapsed(scheduler.ticker().read());
    }
}
