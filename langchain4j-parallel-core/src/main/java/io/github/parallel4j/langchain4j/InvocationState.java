package io.github.parallel4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.schedule.TurnRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the library keeps for one AI service invocation while it needs it: the latest batch of tool calls, every
 * turn still running for it (the batch's, and those of calls that ran alone), and the lock that keeps an
 * exclusive write alone among its calls.
 *
 * <p>Guarantees. Every call of the invocation, in a batch or alone, runs under this state's lock and is counted
 * here until its turn is done. The state is idle, and may be dropped, only when no call of it is running or
 * waiting, no thread holds or waits for its lock (a tool that ignored its interrupt), no executor of it is
 * between asking and answering, and the latest batch awaits no call of ours, or LangChain4j has moved on from it
 * (it called the model again, or the invocation ended). Once the invocation has failed or
 * was cancelled ({@link #fail}), every turn of it still running is cancelled, and every call that comes later is
 * refused: nothing of it starts after the caller was told.
 *
 * <p>Thread-safe; guarded by this object's monitor. {@code onIdle} is never called while holding it, because
 * dropping the state takes the map's lock, which in turn reads {@link #idle()}.
 */
final class InvocationState implements ScopeLock.Users {

    final ScopeLock scope = new ScopeLock(this);
    private final Runnable onIdle;

    // Guarded by this.
    private Batch batch;
    /** LangChain4j has not moved on from the batch: calls of ours it has not claimed yet are still to come. */
    private boolean batchPending;
    /** Calls that ran alone since the last batch was seen: streaming with concurrent tools runs them early. */
    private final List<ToolExecutionRequest> ranAlone = new ArrayList<>();
    private final List<TurnRun> running = new ArrayList<>();
    private int callers;
    private int lockUsers;
    private String failure;

    /**
     * @param onIdle asks the owner to drop this state if it is idle; called without holding this state's monitor
     */
    InvocationState(Runnable onIdle) {
        this.onIdle = onIdle;
    }

    /** An executor (or listener) starts using this state: it is not dropped until {@link #leave()}. */
    synchronized void enter() {
        callers++;
    }

    synchronized void leave() {
        callers--;
    }

    /** @return whether nothing of the invocation runs, waits or is expected: the state may go */
    synchronized boolean idle() {
        // Asked from the outcomes, not from whenDone(): a caller woken by its call's outcome may ask before the
        // turn's completion has reached the whenDone() callbacks.
        running.removeIf(InvocationState::finished);
        return callers == 0 && lockUsers == 0 && running.isEmpty() && !(batchPending && batch.awaitsCalls());
    }

    private static boolean finished(TurnRun run) {
        for (int i = 0; i < run.plan().size(); i++) {
            if (!run.outcome(i).isDone()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void entered() {
        lockUsers++;
    }

    @Override
    public void left() {
        synchronized (this) {
            lockUsers--;
        }
        onIdle.run();
    }

    /**
     * Records the calls of a new AI message. If any of them already ran alone (the streaming handler started it
     * before the message was complete), the batch is never planned as a whole: the rest run alone too, so that
     * nothing runs twice.
     *
     * @param unknownToLangChain4j positions of calls whose tool the AI service does not have either: LangChain4j
     *     applies its hallucinated-tool strategy to them
     * @param ours positions of calls to tools of this installation: LangChain4j will hand each to its executor
     */
    synchronized void newBatch(List<ToolExecutionRequest> requests, List<ContextPropagator.Captured> context,
            Set<Integer> unknownToLangChain4j, Set<Integer> ours) {
        if (failure != null) {
            return;
        }
        Batch next = new Batch(requests, context, Thread.currentThread(), unknownToLangChain4j, ours);
        for (ToolExecutionRequest request : requests) {
            for (ToolExecutionRequest early : ranAlone) {
                if (early == request || early.equals(request)) {
                    next.runsAlone = true;
                }
            }
        }
        ranAlone.clear();
        batch = next;
        batchPending = !next.runsAlone;
    }

    /**
     * Claims the request's place in the current batch, starting the batch's turn if this is its first call, or
     * starts a turn of its own for a call that belongs to no batch; either way the turn is this invocation's.
     * Lets pass the earlier external calls that LangChain4j has shown it has passed.
     *
     * @param startBatch starts the batch's turn
     * @param startAlone starts a turn of this call alone
     * @return the claim, or a refusal when the invocation has failed
     */
    Claim claim(ToolExecutionRequest request, Function<Batch, TurnRun> startBatch, Supplier<TurnRun> startAlone) {
        synchronized (this) {
            if (failure != null) {
                return Claim.refused(failure);
            }
            int index = batch == null || batch.runsAlone ? -1 : batch.claim(request);
            if (index < 0) {
                ranAlone.add(request);
                TurnRun alone = startAlone.get();
                track(alone);
                return new Claim(alone, 0, null, null);
            }
            if (batch.run == null) {
                try {
                    batch.run = startBatch.apply(batch);
                } catch (RuntimeException | Error e) {
                    batch.claimed[index] = false;
                    throw e;
                }
                track(batch.run);
            }
            // Sequentially, LangChain4j reaches this call only after it has dealt with every earlier one. With
            // executeToolsConcurrently() it starts them all at once on its own threads, so a call arriving says
            // nothing about an earlier call to a tool nobody has: LangChain4j may yet fail the invocation on it.
            boolean sequential = Thread.currentThread() == batch.announcer;
            for (int i = 0; i < index; i++) {
                if (sequential || !batch.unknownToLangChain4j.contains(i)) {
                    batch.passed[i] = true;
                }
            }
            batch.releasePassed();
            return new Claim(batch.run, index, batch, null);
        }
    }

    /** Counts a turn until it is done. Called holding this. */
    private void track(TurnRun run) {
        running.add(run);
        run.whenDone().whenComplete((outcomes, error) -> {
            boolean nested;
            synchronized (this) {
                running.remove(run);
                nested = Thread.holdsLock(this); // completed inside claim(): its caller leaves later anyway
            }
            if (!nested) {
                onIdle.run();
            }
        });
    }

    /**
     * LangChain4j has decided on a call of the current batch to a tool it does not have, and the invocation
     * goes on: what was emitted after it may run.
     *
     * @return whether the request is one of this state's current batch
     */
    boolean decided(ToolExecutionRequest request) {
        boolean found = false;
        synchronized (this) {
            if (batch == null) {
                return false;
            }
            for (int i = 0; i < batch.requests.size(); i++) {
                if (batch.requests.get(i) == request) {
                    batch.passed[i] = true;
                    batch.releasePassed();
                    found = true;
                    break;
                }
            }
        }
        if (found) {
            onIdle.run();
        }
        return found;
    }

    /**
     * LangChain4j has finished with the current batch: it sends the next request to the model, or the
     * invocation completed. Every external call has been passed, and no call of the batch will come any more.
     */
    void passed() {
        synchronized (this) {
            batchPending = false;
            if (batch != null) {
                java.util.Arrays.fill(batch.passed, true);
                batch.releasePassed();
            }
        }
        onIdle.run();
    }

    /**
     * The invocation failed or was cancelled: cancels every turn of it still running, and refuses every call
     * that comes later.
     *
     * @param reason why, for the model
     */
    void fail(String reason) {
        List<TurnRun> cancel;
        synchronized (this) {
            if (failure == null) {
                failure = reason;
            }
            batchPending = false;
            cancel = List.copyOf(running);
        }
        for (TurnRun run : cancel) {
            run.cancel(reason);
        }
        onIdle.run();
    }

    /**
     * A call's place in a running turn; {@code batch} is null for a call that runs alone, {@code run} is null
     * for a call refused because the invocation had failed ({@code refusal} says why).
     */
    record Claim(TurnRun run, int index, Batch batch, String refusal) {
        static Claim refused(String why) {
            return new Claim(null, -1, null, why);
        }
    }
}
