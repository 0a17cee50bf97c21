package io.github.parallel4j.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.ToolCallContext;
import io.github.parallel4j.limit.FairSlots;
import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.plan.PlannedCall.Kind;
import io.github.parallel4j.plan.Reference;
import io.github.parallel4j.plan.References;
import io.github.parallel4j.policy.Durations;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ResourceKeyTemplate;
import io.github.parallel4j.policy.SideEffect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One turn being run: every call of a {@link Plan} starts the moment the calls it waits for have finished (an
 * eager graph, not wave barriers) and its limits allow, and yields exactly one {@link CallOutcome}.
 *
 * <p>The way of one call: ready (predecessors done, references filled) → what it needs, taken in one fixed order
 * for every call and without holding a thread, so that a waiting call is an entry in a queue and no two calls can
 * wait for each other: the invocation's scope and its resource-key locks ({@link ResourceLocks}), an answer from
 * the read cache if one is kept, its turn's cap, its integration's slots, the time its rate permit should come
 * (waited out on the timer), and last the JVM-wide slot → a tool thread, which takes the permit (so that permits
 * are spent when requests are really made) → the tool, under its own timeout → an outcome, or another attempt
 * (retry with backoff, or re-queue after an upstream 429) → locks and slots released.
 *
 * <p>Tools run only on the executor's threads, never on a thread that awaits the turn (the one that called the AI
 * service, or LangChain4j's): a budget is a promise that the turn returns on time even when a tool ignores its
 * interrupt, and a thread inside such a tool could not return. The hand-off that costs is kept small instead:
 * the thread that plans submits the ready calls itself, and a budget is a place in a shared line rather than a
 * timer task ({@link TurnDeadlines}).
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
 * object's monitor, and no lock of another object is ever taken while holding it.
 */
public final class TurnRun {

    private static final ToolOutput EXTERNAL_PASSED = new ToolOutput(NullNode.getInstance(), "external");
    /**
     * How long a call's thread may wait for its rate permit: the timer wakes a paced call when a permit should be
     * there, and the thread takes it (waiting this long at most, for calls woken together); short enough that
     * waiting holds no thread to speak of. A call that gets no permit by then gives its thread and JVM-wide slot
     * up and waits on the timer again.
     */
    private static final long PACE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Set while one of a turn's timer tasks runs on this thread. */
    private static final ThreadLocal<Boolean> ON_TIMER = new ThreadLocal<>();

    private final Plan plan;
    private final CallRunner runner;
    private final TurnScheduler scheduler;
    private final TurnOptions options;
    private final List<ContextPropagator.Captured> context;
    private final String key;
    private final long origin;
    private final long deadline;
    private final FairSlots turnSlots;
    private final CompletableFuture<CallOutcome>[] outcomes;
    private final AtomicIntegerArray pending;
    private final AtomicLongArray readyAt;
    private final AtomicBoolean[] released;
    private final CompletableFuture<List<CallOutcome>> done;
    /** The turn's place in its budget's line, let go of when the turn is done; null without a budget. */
    private volatile TurnDeadlines.Entry deadlineEntry;

    // Guarded by this.
    private final Attempt[] current;
    private final int[] attempts;
    private final int[] retries;
    private final int[] rateLimitRuns;
    private final boolean[] waitingAgain;
    private final boolean[] finishing;
    private int retriesLeft;
    private ErrorCode closedWith;
    private String closedReason;

    /** One run of a call's tool. Fields guarded by the run's monitor. */
    private static final class Attempt {
        final int call;
        final int number;
        final JsonNode arguments;
        Thread thread;
        boolean started;
        boolean returned;
        boolean abandoned;
        long startNanos = -1;
        ScheduledFuture<?> timeout;
        /** The concurrency slots it holds, and whether someone has taken its resources to release: exactly one does. */
        final List<FairSlots> held = new ArrayList<>(3);
        boolean resourcesTaken;
        /** The slot request it waits on, if any, so that closing the turn can withdraw it. */
        FairSlots.Ticket ticket;
        /** Its scope and resource-key locks, null when it needs none; {@code locked} once they are held. */
        ResourceLocks.Request locks;
        boolean locked;
        /** The timer task waiting until a rate permit should be there. */
        ScheduledFuture<?> paceWait;

        Attempt(int call, int number, JsonNode arguments) {
            this.call = call;
            this.number = number;
            this.arguments = arguments;
        }
    }

    @SuppressWarnings("unchecked")
    TurnRun(Plan plan, CallRunner runner, TurnScheduler scheduler, TurnOptions options,
            List<ContextPropagator.Captured> context) {
        this.plan = plan;
        this.runner = runner;
        this.scheduler = scheduler;
        this.options = options;
        this.context = context;
        this.key = options.key() != null ? options.key() : UUID.randomUUID().toString();
        this.origin = scheduler.ticker().read();
        this.deadline = options.budget() == null
                ? Long.MAX_VALUE
                : Durations.deadline(origin, Durations.nanos(options.budget()));
        this.turnSlots = options.maxConcurrent() > 0 ? new FairSlots(options.maxConcurrent()) : null;
        this.retriesLeft = options.maxRetries();
        int n = plan.size();
        this.outcomes = newOutcomes(n);
        this.pending = new AtomicIntegerArray(n);
        this.readyAt = new AtomicLongArray(n);
        this.released = new AtomicBoolean[n];
        this.current = new Attempt[n];
        this.attempts = new int[n];
        this.retries = new int[n];
        this.rateLimitRuns = new int[n];
        this.waitingAgain = new boolean[n];
        this.finishing = new boolean[n];
        for (int i = 0; i < n; i++) {
            outcomes[i] = new CompletableFuture<>();
            released[i] = new AtomicBoolean();
            readyAt.set(i, -1);
        }
        this.done = new CompletableFuture<>();
        CompletableFuture.allOf(outcomes).thenRun(this::allDone);
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
        List<CallOutcome> all = new ArrayList<>(outcomes.length);
        for (CompletableFuture<CallOutcome> outcome : outcomes) {
            all.add(outcome.join());
        }
        List<CallOutcome> result = List.copyOf(all);
        if (ON_TIMER.get() != null) {
            try {
                scheduler.executor().execute(() -> done.complete(result));
                return;
            } catch (RuntimeException e) {
                // the executor refused: complete here rather than never
            }
        }
        done.complete(result);
    }

    /** Marks a task as running on the shared timer, where no user callback may run (see {@link #allDone()}). */
    private static Runnable onTimer(Runnable task) {
        return () -> {
            ON_TIMER.set(Boolean.TRUE);
            try {
                task.run();
            } finally {
                ON_TIMER.remove();
            }
        };
    }

    void begin() {
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (PlannedCall call : plan.calls()) {
            int waits = call.dataPredecessors().length + call.orderPredecessors().length;
            if (call.kind() == Kind.EXTERNAL) {
                waits++; // and for release(): the caller passing the call
            }
            pending.set(call.index(), waits);
            if (waits == 0) {
                ready.add(call.index());
            }
        }
        if (options.budget() != null && plan.size() > 0) {
            // No timer task of its own: the turn joins its budget's line (see TurnDeadlines).
            deadlineEntry = scheduler.deadlines().watch(Durations.nanos(options.budget()), onTimer(this::expire));
        }
        drain(ready);
    }

    /** @return the plan being run */
    public Plan plan() {
        return plan;
    }

    /**
     * The outcome of one call.
     *
     * @param index the call's position in the batch
     * @return a future completed exactly once
     */
    public CompletableFuture<CallOutcome> outcome(int index) {
        return outcomes[index];
    }

    /** @return a future of every outcome, in the model's order, completed when the last call ends */
    public CompletableFuture<List<CallOutcome>> whenDone() {
        return done;
    }

    /** @return the nanosecond ticker value at which the turn started */
    public long originNanos() {
        return origin;
    }

    /**
     * Lets an {@link Kind#EXTERNAL} call pass once its predecessors are done: the caller has reached it, so
     * what was emitted after it may run. Has no effect on other calls or when called twice.
     *
     * @param index the external call's position
     */
    public void release(int index) {
        PlannedCall call = plan.calls().get(index);
        if (call.kind() == Kind.EXTERNAL && released[index].compareAndSet(false, true)) {
            if (pending.decrementAndGet(index) == 0) {
                ArrayDeque<Integer> ready = new ArrayDeque<>();
                ready.add(index);
                drain(ready);
            }
        }
    }

    /**
     * Cancels the turn: unfinished calls get {@code CANCELLED}, running tools are interrupted, nothing starts.
     *
     * @param reason why, for the model
     */
    public void cancel(String reason) {
        close(ErrorCode.CANCELLED, reason);
    }

    private void expire() {
        close(ErrorCode.BUDGET_EXCEEDED, "the turn's time budget of " + format(options.budget()) + " ran out");
    }

    private void close(ErrorCode code, String reason) {
        List<CallOutcome> closed = new ArrayList<>();
        List<FairSlots.Ticket> withdraw = new ArrayList<>();
        List<Taken> release = new ArrayList<>();
        synchronized (this) {
            if (closedWith != null || done.isDone()) {
                return;
            }
            closedWith = code;
            closedReason = reason;
            long now = now();
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i].isDone() || finishing[i]) {
                    continue; // a finishing call's own outcome is being written by its thread
                }
                Attempt a = current[i];
                PlannedCall call = plan.calls().get(i);
                String what;
                long start = -1;
                if (a != null && a.started && a.thread != null) {
                    what = " while the call was running; it was interrupted and its result discarded";
                    start = a.startNanos;
                } else if (waitingAgain[i]) {
                    what = " while the call waited to be run again after attempt " + attempts[i] + "; it was not";
                } else {
                    what = " before the call could start; it did not run";
                }
                closed.add(CallOutcome.failure(call, code, reason + what, null, readyAt.get(i), start, now,
                        attempts[i]));
                if (a != null && a.thread == null) {
                    if (a.ticket != null) {
                        withdraw.add(a.ticket);
                        a.ticket = null;
                    }
                    if (a.paceWait != null) {
                        a.paceWait.cancel(false);
                    }
                    release.add(takeHeld(a));
                }
                abandon(a);
            }
        }
        for (FairSlots.Ticket ticket : withdraw) {
            ticket.cancel(); // if it is being granted instead, the grant sees the turn closed and passes the slot on
        }
        for (Taken taken : release) {
            releaseAll(taken);
        }
        for (CallOutcome outcome : closed) {
            outcomes[outcome.call().index()].complete(outcome);
        }
    }

    /** Interrupts an attempt's thread, if it has one, and counts it until it returns. Called holding this. */
    private void abandon(Attempt a) {
        if (a != null && a.thread != null && !a.abandoned) {
            a.abandoned = true;
            scheduler.abandoned(1);
            a.thread.interrupt();
        }
        if (a != null && a.timeout != null) {
            a.timeout.cancel(false);
        }
    }

    private void drain(ArrayDeque<Integer> ready) {
        while (!ready.isEmpty()) {
            onReady(ready.poll(), ready);
        }
    }

    private void onReady(int i, ArrayDeque<Integer> ready) {
        PlannedCall call = plan.calls().get(i);
        long now = now();
        readyAt.set(i, now);
        if (isClosed()) {
            return; // its outcome was written by close()
        }
        if (call.kind() == Kind.REJECTED) {
            complete(i, CallOutcome.failure(call, call.rejection(), call.rejectionMessage(), null, now, -1, now, 0),
                    ready);
            return;
        }
        if (call.kind() == Kind.EXTERNAL) {
            complete(i, CallOutcome.success(call, EXTERNAL_PASSED, now, -1, now, 0), ready);
            return;
        }
        if (call.duplicateOf() >= 0) {
            complete(i, outcomes[call.duplicateOf()].join().sharedWith(call), ready); // done: it is a predecessor
            return;
        }
        for (int p : call.dataPredecessors()) {
            CallOutcome needed = outcomes[p].getNow(null);
            if (needed == null || !needed.ok()) {
                PlannedCall failed = plan.calls().get(p);
                String why = needed == null ? "did not finish" : "failed (" + needed.errorCode() + ")";
                complete(i, CallOutcome.failure(call, ErrorCode.DEPENDENCY_FAILED,
                        "this call needs the output of " + failed.id() + " (" + failed.name() + "), which " + why
                                + ", so it did not run", null, now, -1, now, 0), ready);
                return;
            }
        }
        JsonNode arguments;
        try {
            arguments = call.references().isEmpty()
                    ? call.arguments()
                    : References.resolve(call.arguments(), plan::hasCallId, this::valueOf);
        } catch (References.UnresolvedReferenceException e) {
            complete(i, CallOutcome.failure(call, ErrorCode.UNRESOLVED_REFERENCE, e.getMessage(), null, now, -1, now,
                    0), ready);
            return;
        }
        admit(i, arguments);
    }

    private JsonNode valueOf(Reference ref) {
        PlannedCall target = plan.call(ref.callId()).orElseThrow(() ->
                new References.UnresolvedReferenceException("reference " + ref.text() + " names no call of this batch"));
        CallOutcome outcome = outcomes[target.index()].getNow(null);
        JsonNode output = outcome == null ? null : outcome.value().orElse(null);
        JsonNode value = output == null ? null : ref.select(output);
        if (value == null) {
            throw new References.UnresolvedReferenceException("reference " + ref.text() + ": the output of "
                    + target.id() + " (" + target.name() + ") has no value there" + describe(output));
        }
        return value;
    }

    private static String describe(JsonNode output) {
        if (output == null) {
            return "";
        }
        if (output.isObject()) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = output.fieldNames();
            while (it.hasNext() && names.size() < 12) {
                names.add(it.next());
            }
            return "; its fields are: " + String.join(", ", names) + (it.hasNext() ? ", ..." : "");
        }
        if (output.isArray()) {
            return "; it is an array of " + output.size() + " items";
        }
        return "; it is a " + output.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not an object";
    }

    /**
     * Starts a new attempt of call i: waits out a pause of its integration (after an upstream 429) on the timer,
     * then takes what it needs, always in the same order and without blocking a thread (so that a waiting call is
     * an entry in a queue, and no two calls can wait for each other): the invocation's scope and its resource-key
     * locks, the turn's cap, its integration's slots, the wait for its rate permit (on the timer), and last the
     * JVM-wide slot; then it is given a thread.
     */
    private void admit(int i, JsonNode arguments) {
        PlannedCall call = plan.calls().get(i);
        long paused = scheduler.gate().pausedNanos(call);
        if (paused > 0) {
            if (Durations.endsAfter(scheduler.ticker().read(), paused, deadline)) {
                failNow(i, ErrorCode.RATE_LIMITED, "integration '" + call.policy().integration().orElse("?")
                        + "' is paused after an upstream rate limit (429) until after the turn's budget runs out;"
                        + " the call did not run");
                return;
            }
            later(i, () -> admit(i, arguments), paused);
            return;
        }
        TreeMap<String, Boolean> keys;
        try {
            keys = runtimeKeys(call, arguments);
        } catch (CallFailure f) {
            failNow(i, f.code(), f.getMessage());
            return;
        }
        Attempt attempt;
        synchronized (this) {
            if (closedWith != null || outcomes[i].isDone()) {
                return;
            }
            waitingAgain[i] = false;
            attempt = new Attempt(i, ++attempts[i], arguments);
            current[i] = attempt;
        }
        ResourceLocks.Request request = lockRequest(call, keys, attempt);
        if (request == null) {
            afterLocks(attempt);
            return;
        }
        synchronized (this) {
            attempt.locks = request; // before placing it: closing the turn can withdraw it from here on
        }
        request.place();
    }

    /** The call's scope lock (first) and resource-key locks (sorted), as one request; null when it needs none. */
    private ResourceLocks.Request lockRequest(PlannedCall call, TreeMap<String, Boolean> keys, Attempt attempt) {
        int n = keys.size() + (options.scope() != null ? 1 : 0);
        if (n == 0) {
            return null;
        }
        List<Object> names = new ArrayList<>(n);
        boolean[] writes = new boolean[n];
        int k = 0;
        if (options.scope() != null) {
            names.add(options.scope()); // by identity: the invocation's, taken before any key by every call
            writes[k++] = call.policy().isExclusive();
        }
        for (var key : keys.entrySet()) {
            names.add(key.getKey());
            writes[k++] = key.getValue();
        }
        if (options.scope() instanceof ScopeHolders holders) {
            holders.entered(); // the scope's owner outlives this call while it holds or waits for the scope
            return scheduler.locks().request(names, writes, () -> onLocked(attempt), holders::left);
        }
        return scheduler.locks().request(names, writes, () -> onLocked(attempt));
    }

    /** The call's locks were granted: keep them and go on, or decline them if the attempt is dead by now. */
    private boolean onLocked(Attempt attempt) {
        synchronized (this) {
            if (!isLive(attempt) || attempt.resourcesTaken) {
                return false; // closed meanwhile: its outcome is written, and the locks pass on
            }
            attempt.locked = true;
        }
        afterLocks(attempt);
        return true;
    }

    /**
     * With its locks held no write to its keys is running, so a kept result is as good as a fresh one; and it is
     * answered before any cap or permit, so it spends neither. Otherwise the call goes on to its caps.
     */
    private void afterLocks(Attempt attempt) {
        PlannedCall call = plan.calls().get(attempt.call);
        ToolOutput kept = cachedOrNull(call, attempt.arguments);
        if (kept != null) {
            releaseSlots(attempt);
            finish(attempt, CallOutcome.fromCache(call, kept, now()));
            return;
        }
        List<FairSlots> chain = new ArrayList<>(2);
        if (turnSlots != null) {
            chain.add(turnSlots);
        }
        chain.addAll(scheduler.gate().slots(call));
        acquire(attempt, chain, 0, () -> pace(attempt));
    }

    /**
     * Waits on the timer until the call's rate permit should be there (consuming nothing), holding no thread and no
     * JVM-wide slot; then takes the JVM-wide slot and a thread, which takes the permit ({@link #paceOnThread}).
     */
    private void pace(Attempt attempt) {
        PlannedCall call = plan.calls().get(attempt.call);
        long wait;
        try {
            wait = scheduler.gate().estimate(call, options.partition(), deadline);
        } catch (CallFailure | RuntimeException e) {
            CallFailure f = e instanceof CallFailure cf ? cf : new CallFailure(ErrorCode.TOOL_ERROR,
                    "the call's limits could not be applied: " + messageOf(e), e);
            releaseSlots(attempt);
            finish(attempt, CallOutcome.failure(call, f.code(), f.getMessage(), f.getCause(), readyAt.get(attempt.call),
                    -1, now(), attempt.number));
            return;
        }
        if (wait <= 0) {
            FairSlots global = scheduler.gate().global();
            acquire(attempt, global == null ? List.of() : List.of(global), 0, () -> submit(attempt));
            return;
        }
        Taken release = null;
        synchronized (this) {
            if (!isLive(attempt) || attempt.resourcesTaken) {
                release = takeHeld(attempt);
            }
        }
        if (release != null) {
            releaseAll(release); // closed meanwhile: its outcome is written
            return;
        }
        try {
            ScheduledFuture<?> waiting = scheduler.timer().schedule(onTimer(() -> pace(attempt)), wait,
                    TimeUnit.NANOSECONDS);
            synchronized (this) {
                attempt.paceWait = waiting;
            }
        } catch (RuntimeException e) {
            releaseSlots(attempt);
            finish(attempt, CallOutcome.failure(call, ErrorCode.TOOL_ERROR, "the call could not wait for its rate"
                    + " permit: " + messageOf(e), e, readyAt.get(attempt.call), -1, now(), attempt.number));
        }
    }

    /** Takes the slots of {@code chain} from {@code k} on, one by one without blocking, then runs {@code then}. */
    private void acquire(Attempt attempt, List<FairSlots> chain, int k, Runnable then) {
        if (k == chain.size()) {
            then.run();
            return;
        }
        FairSlots slots = chain.get(k);
        FairSlots.Ticket ticket = slots.ticket(() -> onGranted(attempt, chain, k, then));
        Taken release = null;
        synchronized (this) {
            if (isLive(attempt) && !attempt.resourcesTaken) {
                attempt.ticket = ticket;
            } else {
                release = takeHeld(attempt);
            }
        }
        if (release != null) {
            releaseAll(release); // closed meanwhile: its outcome is written
            return;
        }
        slots.enqueue(ticket);
    }

    /** A slot was granted: keep it and go on to the next, or decline it if the attempt is dead by now. */
    private boolean onGranted(Attempt attempt, List<FairSlots> chain, int k, Runnable then) {
        Taken release = null;
        synchronized (this) {
            attempt.ticket = null;
            if (isLive(attempt) && !attempt.resourcesTaken) {
                attempt.held.add(chain.get(k));
            } else {
                release = takeHeld(attempt);
            }
        }
        if (release != null) {
            releaseAll(release);
            return false;
        }
        acquire(attempt, chain, k + 1, then);
        return true;
    }

    /** What one attempt held, taken for release by exactly one caller. */
    private record Taken(List<FairSlots> slots, ResourceLocks.Request locks, boolean locked) {
        static final Taken NOTHING = new Taken(List.of(), null, false);
    }

    /** Takes an attempt's locks and slots for release; only the first caller gets them. Called holding this. */
    private Taken takeHeld(Attempt attempt) {
        if (attempt.resourcesTaken) {
            return Taken.NOTHING;
        }
        attempt.resourcesTaken = true;
        List<FairSlots> held = attempt.held.isEmpty() ? List.of() : new ArrayList<>(attempt.held);
        attempt.held.clear();
        return new Taken(held, attempt.locks, attempt.locked);
    }

    private void releaseAll(Taken taken) {
        for (int k = taken.slots().size() - 1; k >= 0; k--) {
            taken.slots().get(k).release();
        }
        if (taken.locks() != null) {
            if (taken.locked()) {
                taken.locks().release();
            } else {
                taken.locks().cancel(); // if it is being granted instead, the grant sees the attempt dead and declines
            }
        }
    }

    private void releaseSlots(Attempt attempt) {
        Taken release;
        synchronized (this) {
            release = takeHeld(attempt);
        }
        releaseAll(release);
    }

    /** Runs a step after a delay on the timer; if the timer refuses, the call fails rather than hangs. */
    private void later(int i, Runnable step, long delayNanos) {
        try {
            scheduler.timer().schedule(onTimer(step), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            failNow(i, ErrorCode.TOOL_ERROR, "the call could not be scheduled again: " + messageOf(e));
        }
    }

    /** Ends a call that is not running with a failure, and lets its dependents go on. */
    private void failNow(int i, ErrorCode code, String message) {
        PlannedCall call = plan.calls().get(i);
        int made;
        synchronized (this) {
            if (closedWith != null || outcomes[i].isDone()) {
                return;
            }
            made = attempts[i];
            finishing[i] = true;
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        CallOutcome outcome = CallOutcome.failure(call, code, message, null, readyAt.get(i), -1, now(), made);
        complete(i, outcome, ready);
        drain(ready);
        failFastIfNeeded(call, outcome);
    }

    private synchronized boolean isLive(Attempt attempt) {
        return closedWith == null && current[attempt.call] == attempt && !outcomes[attempt.call].isDone();
    }

    private synchronized boolean isClosed() {
        return closedWith != null;
    }

    private void submit(Attempt attempt) {
        Runnable task = withContext(() -> runAttempt(attempt), attempt);
        try {
            scheduler.executor().execute(task);
        } catch (RuntimeException | Error e) {
            releaseSlots(attempt);
            finish(attempt, CallOutcome.failure(plan.calls().get(attempt.call), ErrorCode.TOOL_ERROR,
                    "the tool could not be started: the executor refused it (" + messageOf(e) + ")", e,
                    readyAt.get(attempt.call), -1, now(), attempt.number));
        }
    }

    private Runnable withContext(Runnable task, Attempt attempt) {
        if (context.isEmpty()) {
            return task;
        }
        return () -> {
            List<ContextPropagator.Restored> restored = new ArrayList<>(context.size());
            try {
                for (ContextPropagator.Captured captured : context) {
                    restored.add(captured.restore());
                }
            } catch (RuntimeException | Error e) {
                closeAll(restored);
                releaseSlots(attempt);
                finish(attempt, CallOutcome.failure(plan.calls().get(attempt.call), ErrorCode.TOOL_ERROR,
                        "the tool could not be started: restoring the caller's context failed (" + messageOf(e) + ")",
                        e, readyAt.get(attempt.call), -1, now(), attempt.number));
                return;
            }
            try {
                task.run();
            } finally {
                closeAll(restored);
            }
        };
    }

    private static void closeAll(List<ContextPropagator.Restored> restored) {
        for (int k = restored.size() - 1; k >= 0; k--) {
            restored.get(k).close();
        }
    }

    private void runAttempt(Attempt attempt) {
        int i = attempt.call;
        PlannedCall call = plan.calls().get(i);
        boolean live;
        synchronized (this) {
            live = isLive(attempt);
            if (live) {
                attempt.thread = Thread.currentThread();
            }
        }
        if (!live) {
            releaseSlots(attempt); // closed while queued: its outcome is written already
            return;
        }
        CallOutcome outcome;
        Throwable fatal = null;
        boolean waitsAgain = false;
        try {
            if (!paceOnThread(attempt)) {
                waitsAgain = true;
                return; // back to waiting on the timer, without this thread, keeping its locks and other slots
            }
            long start;
            synchronized (this) {
                if (!isLive(attempt)) {
                    throw new InterruptedException();
                }
                start = now();
                attempt.startNanos = start;
                attempt.started = true;
                call.policy().timeout().ifPresent(t -> attempt.timeout = scheduler.timer().schedule(
                        onTimer(() -> timeOut(attempt)), Durations.nanos(t), TimeUnit.NANOSECONDS));
            }
            ToolCallContext toolContext = new ToolCallContext(call.id(), call.name(), attempt.number, idempotencyKey(call));
            ToolOutput output = toolContext.bind(() -> runner.run(call, attempt.arguments));
            outcome = CallOutcome.success(call, output, readyAt.get(i), start, now(), attempt.number);
        } catch (CallFailure f) {
            outcome = CallOutcome.failure(call, f.code(), f.getMessage(), f.getCause(), readyAt.get(i),
                    attempt.startNanos, now(), attempt.number);
        } catch (InterruptedException e) {
            outcome = CallOutcome.failure(call, ErrorCode.CANCELLED, "the call was interrupted", e, readyAt.get(i),
                    attempt.startNanos, now(), attempt.number);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                fatal = e;
            }
            outcome = CallOutcome.failure(call, ErrorCode.TOOL_ERROR, messageOf(e), e, readyAt.get(i),
                    attempt.startNanos, now(), attempt.number);
        } finally {
            if (!waitsAgain) {
                synchronized (this) {
                    attempt.returned = true; // from here on, a timeout can no longer claim this attempt
                }
                releaseSlots(attempt); // its locks too: an abandoned call keeps them until its tool returns
            }
        }
        finish(attempt, outcome);
        if (fatal instanceof Error error) {
            throw error; // after the outcome is recorded: the caller is answered, the thread dies as it should
        }
    }

    /**
     * Takes the call's rate permit just before it starts, so that permits are spent when requests are really made.
     * When none comes within {@link #PACE_WINDOW_NANOS} (calls woken together, one permit), the call gives up its
     * thread and JVM-wide slot and waits on the timer again.
     *
     * @return true to start now, false when the call went back to waiting
     */
    private boolean paceOnThread(Attempt attempt) throws CallFailure, InterruptedException {
        PlannedCall call = plan.calls().get(attempt.call);
        long window = scheduler.ticker().read() + PACE_WINDOW_NANOS;
        boolean last = deadline != Long.MAX_VALUE && window - deadline >= 0;
        try {
            scheduler.gate().pace(call, options.partition(), last ? deadline : window);
            return true;
        } catch (CallFailure f) {
            if (last || f.code() != ErrorCode.RATE_LIMITED) {
                throw f;
            }
        }
        FairSlots global = scheduler.gate().global();
        boolean held;
        synchronized (this) {
            if (!isLive(attempt) || attempt.resourcesTaken) {
                throw new InterruptedException(); // closed meanwhile: end through the usual path
            }
            attempt.thread = null;
            held = global != null && attempt.held.remove(global);
        }
        if (held) {
            global.release();
        }
        pace(attempt);
        return false;
    }

    private ToolOutput cachedOrNull(PlannedCall call, JsonNode arguments) {
        try {
            return runner.cached(call, arguments).orElse(null);
        } catch (RuntimeException e) {
            return null; // a broken cache must not stop the call: run it
        }
    }

    /** Decides what an attempt's end means: the call's outcome, another attempt, or nothing (superseded). */
    private void finish(Attempt attempt, CallOutcome outcome) {
        int i = attempt.call;
        PlannedCall call = plan.calls().get(i);
        Next next;
        synchronized (this) {
            if (attempt.timeout != null) {
                attempt.timeout.cancel(false);
            }
            attempt.thread = null;
            if (attempt.abandoned) {
                scheduler.abandoned(-1);
                // Whatever close() or the timeout sent this thread is spent: a pooled thread must not carry it on.
                Thread.interrupted();
            }
            if (closedWith != null || current[i] != attempt || outcomes[i].isDone()) {
                return; // closed, timed out and replaced, or answered already
            }
            next = decide(call, outcome, i);
        }
        conclude(attempt, call, outcome, next);
    }

    /**
     * What follows an attempt: another attempt after {@code again}, or the outcome with {@code note} added; and,
     * after an upstream 429, how long to slow the integration down for.
     */
    private record Next(Duration again, String note, Duration slowDown) {
        static final Next FINAL = new Next(null, null, null);

        static Next giveUp(String note) {
            return new Next(null, note, null);
        }

        static Next after(Duration wait) {
            return new Next(wait, null, null);
        }

        Next slowingDown(Duration wait) {
            return new Next(again, note, wait);
        }
    }

    /** What follows an attempt; marks the call as finishing or as waiting to run again. Called holding this. */
    private Next decide(PlannedCall call, CallOutcome outcome, int i) {
        Next next = next(call, outcome, i);
        if (next.again() == null) {
            finishing[i] = true;
        } else {
            waitingAgain[i] = true;
        }
        return next;
    }

    /** Whether the call gets another attempt, and after how long. Called holding this. */
    private Next next(PlannedCall call, CallOutcome outcome, int i) {
        if (outcome.ok()) {
            return Next.FINAL;
        }
        Throwable cause = outcome.cause();
        if (cause instanceof RateLimitedException limited) {
            Duration wait = limited.retryAfter().orElse(Duration.ofSeconds(1));
            if (wait.compareTo(options.maxRetryAfter()) > 0) {
                // A misparsed Retry-After: waiting it would hang the call (and, without a budget, the AI service),
                // and pausing for it would stop the integration for everyone; the pause is clamped too.
                return Next.giveUp("; the upstream asked to wait " + Durations.format(wait) + ", longer than the "
                        + "longest retry-after honoured (maxRetryAfter, " + Durations.format(options.maxRetryAfter())
                        + "), so it was not retried").slowingDown(options.maxRetryAfter());
            }
            if (rateLimitRuns[i] >= options.rateLimitRetries()) {
                return Next.giveUp("; the upstream refused it for its rate " + (rateLimitRuns[i] + 1) + " times")
                        .slowingDown(wait);
            }
            if (Durations.endsAfter(scheduler.ticker().read(), Durations.nanos(wait), deadline)) {
                return Next.giveUp("; waiting " + format(wait) + " as the upstream asked would exceed the turn's budget")
                        .slowingDown(wait);
            }
            rateLimitRuns[i]++;
            return Next.after(wait).slowingDown(wait);
        }
        FailurePolicy policy = call.policy().onFailure();
        boolean retryable = outcome.errorCode() == ErrorCode.TOOL_ERROR || outcome.errorCode() == ErrorCode.TIMEOUT;
        if (policy.mode() != FailurePolicy.Mode.RETRY || !retryable || !call.policy().isIdempotent()) {
            return Next.FINAL;
        }
        if (retries[i] + 1 >= policy.maxAttempts()) {
            return Next.giveUp("; gave up after " + (retries[i] + 1) + " attempts");
        }
        long ceiling = Durations.nanos(policy.backoffCeiling(retries[i] + 1));
        Duration wait = Duration.ofNanos(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
        if (Durations.endsAfter(scheduler.ticker().read(), Durations.nanos(wait), deadline)) {
            return Next.giveUp("; not retried: the turn's budget would run out during the backoff");
        }
        if (retriesLeft <= 0) {
            return Next.giveUp("; not retried: the turn's retries (" + options.maxRetries() + ") are used up");
        }
        retriesLeft--;
        retries[i]++;
        return Next.after(wait);
    }

    private static CallOutcome decorate(PlannedCall call, CallOutcome outcome, String note) {
        if (outcome.ok() || note == null) {
            return outcome;
        }
        if (outcome.cause() instanceof RateLimitedException) {
            return new CallOutcome(call, false, ErrorCode.RATE_LIMITED, outcome.error() + note, null, outcome.cause(),
                    outcome.readyNanos(), outcome.startNanos(), outcome.endNanos(), outcome.attempts(), false);
        }
        return outcome.withNote(note);
    }

    /** Acts on a decision taken under the monitor: another attempt later, or the call's outcome now. */
    private void conclude(Attempt attempt, PlannedCall call, CallOutcome outcome, Next next) {
        int i = attempt.call;
        if (next.slowDown() != null) {
            try {
                scheduler.gate().slowDown(call, options.partition(), next.slowDown(), scheduler.ticker());
            } catch (RuntimeException e) {
                // Slowing down is a courtesy to the upstream; the call's own outcome must not depend on it.
            }
        }
        if (next.again() != null) {
            later(i, () -> admit(i, attempt.arguments), Durations.nanos(next.again()));
            return;
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        complete(i, decorate(call, outcome, next.note()), ready);
        drain(ready);
        failFastIfNeeded(call, outcome);
    }

    private void failFastIfNeeded(PlannedCall call, CallOutcome outcome) {
        if (!outcome.ok() && call.policy().onFailure().mode() == FailurePolicy.Mode.FAIL_FAST) {
            close(ErrorCode.CANCELLED, call.id() + " (" + call.name() + ") failed (" + outcome.errorCode()
                    + ") and is fail-fast, so the turn was cancelled");
        }
    }

    /** A tool ran past its own timeout: interrupt it, and answer (or retry) without waiting for it to stop. */
    private void timeOut(Attempt attempt) {
        int i = attempt.call;
        PlannedCall call = plan.calls().get(i);
        Duration timeout = call.policy().timeout().orElseThrow();
        CallOutcome outcome = CallOutcome.failure(call, ErrorCode.TIMEOUT, "the tool ran past its timeout of "
                + format(timeout) + "; it was interrupted", null, readyAt.get(i), attempt.startNanos, now(),
                attempt.number);
        Next next;
        synchronized (this) {
            if (closedWith != null || current[i] != attempt || outcomes[i].isDone() || attempt.thread == null
                    || attempt.returned) {
                return;
            }
            abandon(attempt);
            current[i] = null; // its thread may linger; whatever it returns is ignored
            next = decide(call, outcome, i);
        }
        conclude(attempt, call, outcome, next);
    }

    private String idempotencyKey(PlannedCall call) {
        return UUID.nameUUIDFromBytes((key + "/" + call.id()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static TreeMap<String, Boolean> runtimeKeys(PlannedCall call, JsonNode arguments) throws CallFailure {
        TreeMap<String, Boolean> keys = new TreeMap<>();
        boolean writes = call.policy().sideEffect() == SideEffect.WRITE;
        JsonNode values = call.canonicalArguments(arguments); // as the tool receives them: 1, 1.0 and "01" are one key
        for (ResourceKeyTemplate template : call.policy().resourceKeys()) {
            try {
                keys.merge(template.fill(values, text -> false).text(), writes, Boolean::logicalOr);
            } catch (ResourceKeyTemplate.MissingArgumentException e) {
                throw new CallFailure(ErrorCode.INVALID_ARGUMENTS, e.getMessage(), null);
            }
        }
        return keys;
    }

    static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private void complete(int i, CallOutcome outcome, ArrayDeque<Integer> ready) {
        if (!outcomes[i].complete(outcome)) {
            return;
        }
        for (int s : plan.calls().get(i).successors()) {
            if (pending.decrementAndGet(s) == 0) {
                ready.add(s);
            }
        }
    }

    private long now() {
        return scheduler.ticker().read() - origin;
    }

    private static String format(Duration d) {
        return Durations.format(d);
    }

    @SuppressWarnings("unchecked") // a generic array: each element is created as a CompletableFuture<CallOutcome>
    private static CompletableFuture<CallOutcome>[] newOutcomes(int n) {
        return (CompletableFuture<CallOutcome>[]) new CompletableFuture<?>[n];
    }
}
