package io.github.parallel4j.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.plan.PlannedCall.Kind;
import io.github.parallel4j.plan.Reference;
import io.github.parallel4j.plan.References;
import io.github.parallel4j.policy.ResourceKeyTemplate;
import io.github.parallel4j.policy.SideEffect;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Lock;

/**
 * One turn being run: every call of a {@link Plan} starts the moment the calls it waits for have finished (an
 * eager graph, not wave barriers), takes its resource locks and limits, runs, and yields exactly one
 * {@link CallOutcome}.
 *
 * <p>Guarantees: each call runs at most once; a call whose data dependency failed does not run
 * ({@code DEPENDENCY_FAILED}); a reference that cannot be filled stops only its own call
 * ({@code UNRESOLVED_REFERENCE}). When the budget runs out or the turn is cancelled, every unfinished call gets
 * its outcome at once ({@code BUDGET_EXCEEDED} or {@code CANCELLED}), running tools are interrupted, and nothing
 * starts afterwards: the turn's outcomes never wait for a tool that ignores interruption.
 *
 * <p>Thread-safe: outcomes may be awaited from any thread.
 */
public final class TurnRun {

    private static final ToolOutput EXTERNAL_PASSED = new ToolOutput(NullNode.getInstance(), "external");

    private final Plan plan;
    private final CallRunner runner;
    private final TurnScheduler scheduler;
    private final TurnOptions options;
    private final List<ContextPropagator.Captured> context;
    private final long origin;
    private final long deadline;
    private final CompletableFuture<CallOutcome>[] outcomes;
    private final AtomicIntegerArray pending;
    private final AtomicLongArray readyAt;
    private final AtomicLongArray startAt;
    private final AtomicBoolean[] released;
    private final CompletableFuture<List<CallOutcome>> done;
    // Guarded by this: which thread runs which call, and whether the turn is closed.
    private final Thread[] running;
    private final boolean[] started;
    private final boolean[] abandoned;
    private ErrorCode closedWith;
    private String closedReason;
    private ScheduledFuture<?> timer;

    @SuppressWarnings("unchecked")
    TurnRun(Plan plan, CallRunner runner, TurnScheduler scheduler, TurnOptions options,
            List<ContextPropagator.Captured> context) {
        this.plan = plan;
        this.runner = runner;
        this.scheduler = scheduler;
        this.options = options;
        this.context = context;
        this.origin = scheduler.ticker().read();
        this.deadline = options.budget() == null ? Long.MAX_VALUE : origin + options.budget().toNanos();
        int n = plan.size();
        this.outcomes = new CompletableFuture[n];
        this.pending = new AtomicIntegerArray(n);
        this.readyAt = new AtomicLongArray(n);
        this.startAt = new AtomicLongArray(n);
        this.released = new AtomicBoolean[n];
        this.running = new Thread[n];
        this.started = new boolean[n];
        this.abandoned = new boolean[n];
        for (int i = 0; i < n; i++) {
            outcomes[i] = new CompletableFuture<>();
            released[i] = new AtomicBoolean();
            readyAt.set(i, -1);
        }
        this.done = CompletableFuture.allOf(outcomes).thenApply(v -> {
            List<CallOutcome> all = new ArrayList<>(n);
            for (CompletableFuture<CallOutcome> outcome : outcomes) {
                all.add(outcome.join());
            }
            return List.copyOf(all);
        });
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
            synchronized (this) {
                timer = scheduler.timer().schedule(this::expire, options.budget().toNanos(), TimeUnit.NANOSECONDS);
            }
            done.whenComplete((outcomes, failure) -> cancelTimer());
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
        List<Integer> unfinished = new ArrayList<>();
        synchronized (this) {
            if (closedWith != null || done.isDone()) {
                return;
            }
            closedWith = code;
            closedReason = reason;
            for (int i = 0; i < outcomes.length; i++) {
                if (!outcomes[i].isDone()) {
                    unfinished.add(i);
                    if (running[i] != null) {
                        abandoned[i] = true;
                        scheduler.abandoned(1);
                        running[i].interrupt();
                    }
                }
            }
        }
        for (int i : unfinished) {
            outcomes[i].complete(closedOutcome(i));
        }
    }

    private synchronized CallOutcome closedOutcome(int i) {
        PlannedCall call = plan.calls().get(i);
        long now = now();
        if (started[i]) {
            return CallOutcome.failure(call, closedWith,
                    closedReason + " while the call was running; it was interrupted and its result discarded",
                    null, readyAt.get(i), startAt.get(i), now);
        }
        return CallOutcome.failure(call, closedWith, closedReason + " before the call could start; it did not run",
                null, readyAt.get(i), -1, now);
    }

    private synchronized void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
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
        synchronized (this) {
            if (closedWith != null) {
                return; // its outcome was written by close()
            }
        }
        if (call.kind() == Kind.REJECTED) {
            complete(i, CallOutcome.failure(call, call.rejection(), call.rejectionMessage(), null, now, -1, now),
                    ready);
            return;
        }
        if (call.kind() == Kind.EXTERNAL) {
            complete(i, CallOutcome.success(call, EXTERNAL_PASSED, now, -1, now), ready);
            return;
        }
        for (int p : call.dataPredecessors()) {
            CallOutcome needed = outcomes[p].getNow(null);
            if (needed == null || !needed.ok()) {
                PlannedCall failed = plan.calls().get(p);
                String why = needed == null ? "did not finish" : "failed (" + needed.errorCode() + ")";
                complete(i, CallOutcome.failure(call, ErrorCode.DEPENDENCY_FAILED,
                        "this call needs the output of " + failed.id() + " (" + failed.name() + "), which " + why
                                + ", so it did not run", null, now, -1, now), ready);
                return;
            }
        }
        JsonNode arguments;
        try {
            arguments = call.references().isEmpty()
                    ? call.arguments()
                    : References.resolve(call.arguments(), plan::hasCallId, this::valueOf);
        } catch (References.UnresolvedReferenceException e) {
            complete(i, CallOutcome.failure(call, ErrorCode.UNRESOLVED_REFERENCE, e.getMessage(), null, now, -1, now),
                    ready);
            return;
        }
        submit(i, arguments, ready);
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

    private void submit(int i, JsonNode arguments, ArrayDeque<Integer> ready) {
        Runnable task = () -> runCall(i, arguments);
        try {
            scheduler.executor().execute(withContext(task));
        } catch (RejectedExecutionException e) {
            long now = now();
            complete(i, CallOutcome.failure(plan.calls().get(i), ErrorCode.TOOL_ERROR,
                    "the tool could not be started: the executor refused it", e, now, -1, now), ready);
        }
    }

    private Runnable withContext(Runnable task) {
        if (context.isEmpty()) {
            return task;
        }
        return () -> {
            List<ContextPropagator.Restored> restored = new ArrayList<>(context.size());
            try {
                for (ContextPropagator.Captured captured : context) {
                    restored.add(captured.restore());
                }
                task.run();
            } finally {
                for (int k = restored.size() - 1; k >= 0; k--) {
                    restored.get(k).close();
                }
            }
        };
    }

    private void runCall(int i, JsonNode arguments) {
        PlannedCall call = plan.calls().get(i);
        synchronized (this) {
            if (closedWith != null) {
                return;
            }
            running[i] = Thread.currentThread();
        }
        Lock scope = null;
        ResourceLocks.Held held = null;
        CallGate.Permit permit = null;
        long start = -1;
        CallOutcome outcome;
        try {
            TreeMap<String, Boolean> keys = runtimeKeys(call, arguments);
            if (options.scope() != null) {
                Lock lock = call.policy().isExclusive() ? options.scope().writeLock() : options.scope().readLock();
                lock.lockInterruptibly();
                scope = lock;
            }
            held = scheduler.locks().acquire(keys);
            permit = scheduler.gate().admit(call, deadline, scheduler.ticker());
            synchronized (this) {
                if (closedWith != null) {
                    throw new InterruptedException();
                }
                start = now();
                startAt.set(i, start);
                started[i] = true;
            }
            ToolOutput output = runner.run(call, arguments);
            outcome = CallOutcome.success(call, output, readyAt.get(i), start, now());
        } catch (CallFailure f) {
            outcome = CallOutcome.failure(call, f.code(), f.getMessage(), f.getCause(), readyAt.get(i), start, now());
        } catch (InterruptedException e) {
            outcome = CallOutcome.failure(call, ErrorCode.CANCELLED, "the call was interrupted", e, readyAt.get(i),
                    start, now());
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            outcome = CallOutcome.failure(call, ErrorCode.TOOL_ERROR, messageOf(e), e, readyAt.get(i), start, now());
        } finally {
            if (permit != null) {
                permit.release();
            }
            if (held != null) {
                held.release();
            }
            if (scope != null) {
                scope.unlock();
            }
            synchronized (this) {
                running[i] = null;
                if (abandoned[i]) {
                    abandoned[i] = false;
                    scheduler.abandoned(-1);
                }
                if (closedWith != null) {
                    // Whatever close() sent this thread is spent: a pooled thread must not carry it on.
                    Thread.interrupted();
                    // close() wrote this call's outcome (or will, having seen it unfinished): it must win.
                    return;
                }
            }
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        complete(i, outcome, ready);
        drain(ready);
    }

    private static TreeMap<String, Boolean> runtimeKeys(PlannedCall call, JsonNode arguments) throws CallFailure {
        TreeMap<String, Boolean> keys = new TreeMap<>();
        boolean writes = call.policy().sideEffect() == SideEffect.WRITE;
        for (ResourceKeyTemplate template : call.policy().resourceKeys()) {
            try {
                keys.merge(template.fill(arguments, text -> false).text(), writes, Boolean::logicalOr);
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
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
