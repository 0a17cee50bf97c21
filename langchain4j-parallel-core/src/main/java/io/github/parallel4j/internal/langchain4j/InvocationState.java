package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.internal.schedule.StreamedTurn;
import io.github.parallel4j.internal.schedule.TurnRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the library keeps for one AI service invocation while it needs it: the latest batch of tool calls, every
 * turn still running for it (the batch's, a streamed message's, and those of calls that ran alone), and the lock
 * that keeps an exclusive write alone among its calls.
 *
 * <p>Guarantees. Every call of the invocation, in a batch or alone, runs under this state's lock. The state is
 * <em>pinned</em> (never dropped, never expired) while an executor or listener of it is between asking and
 * answering, or a thread holds or waits for its lock (a running tool, or one that ignored its interrupt after its
 * turn ended). Unpinned, it is dropped at once when nothing more is expected of it, and otherwise (a batch whose
 * calls LangChain4j has not handed over yet, a turn still waiting for them) kept only for the idle expiry: an
 * invocation that ends without LangChain4j saying so (a tool that throws an {@code Error}) leaves nothing behind
 * for longer. Once the invocation has failed or was cancelled ({@link #fail}), every turn of it still running is
 * cancelled, and every call that comes later is refused: nothing of it starts after the caller was told.
 *
 * <p>Thread-safe. The counts that pin the state are atomic; the rest is guarded by this object's monitor, which is
 * never held while a turn starts, while a turn is told anything, nor while the owner is asked to re-examine the
 * state (that takes the map's lock, which in turn reads this state).
 */
final class InvocationState {

    /** Told when the state may have become idle or busy, so that its owner drops it or renews its expiry. */
    interface Owner {
        void changed(InvocationState state);
    }

    final InvocationLock lock;
    /** Whether the state must be kept: see {@link Retention}. */
    final Retention retention;
    private final Owner owner;

    // Guarded by this.
    private Batch batch;
    /** LangChain4j has not moved on from the batch: calls of ours it has not claimed yet are still to come. */
    private boolean batchPending;
    /** Calls that ran alone since the last batch was seen: streaming with concurrent tools runs them early. */
    private final List<ToolExecutionRequest> ranAlone = new ArrayList<>();
    private final List<TurnRun> running = new ArrayList<>();
    /** The message streaming in now, when its calls run as they arrive; null between messages. */
    private StreamedBatch streamed;
    private String failure;

    /** @param owner asked to re-examine this state; called without holding this state's monitor */
    InvocationState(Owner owner) {
        this.owner = owner;
        this.retention = new Retention(() -> owner.changed(this));
        this.lock = new InvocationLock(retention);
    }

    /** An executor (or listener) starts using this state: it is pinned until {@link #leave()}. */
    void enter() {
        retention.enter();
    }

    void leave() {
        retention.leave();
    }

    /** @return whether a caller or a lock user is inside: the state must stay, however long that takes */
    boolean pinned() {
        return retention.pinned();
    }

    /** @return whether nothing of the invocation runs, waits or is expected: the state may go now */
    boolean idle() {
        if (pinned()) {
            return false;
        }
        synchronized (this) {
            // Asked from the outcomes, not from whenDone(): a caller woken by its call's outcome may ask before the
            // turn's completion has reached the whenDone() callbacks.
            running.removeIf(StreamedTurn::finished);
            return running.isEmpty() && !(batchPending && batch.awaitsCalls())
                    && !(streamed != null && streamed.expectsCalls());
        }
    }

    /**
     * Records the calls of a new AI message. If any of them already ran alone (the streaming handler started it
     * before the message was complete), the batch is never planned as a whole: the rest run alone too, so that
     * nothing runs twice. Idempotent: the same message captured again (by the listener and from a call) keeps its
     * batch, claims and turn; a new one would start the turn again at its next call, running its claimed calls twice.
     *
     * @param unknownToLangChain4j positions of calls whose tool the AI service does not have either: LangChain4j
     *     applies its hallucinated-tool strategy to them
     * @param ours positions of calls to tools of this installation: LangChain4j will hand each to its executor
     * @param concurrent whether LangChain4j runs the calls at once ({@code executeToolsConcurrently()}), so that
     *     the arrival of a call says nothing about the calls before it
     * @param source the message as the streaming model delivered it, or null when the library could not see it
     */
    synchronized void newBatch(List<ToolExecutionRequest> requests, CapturedContext context,
            Set<Integer> unknownToLangChain4j, Set<Integer> ours, boolean concurrent, StreamedMessage source) {
        if (failure != null || batch != null && batch.sameCalls(requests)) {
            return;
        }
        Batch next = new Batch(requests, context, concurrent, unknownToLangChain4j, ours, source);
        next.runsAlone = !ranAlone.isEmpty() && requests.stream().anyMatch(ranAlone::contains);
        ranAlone.clear();
        batch = next;
        batchPending = !next.runsAlone;
    }

    /**
     * Claims the request's place in the current batch, starting the batch's turn if this is its first call, or
     * starts a turn of its own for a call that belongs to no batch; either way the turn is this invocation's.
     * Lets pass the earlier external calls that LangChain4j has shown it has passed. Turns start outside this
     * state's monitor: planning and the user's turn observers must not hold up the invocation's other threads.
     *
     * @param startBatch starts the batch's turn
     * @param startAlone starts a turn of this call alone
     * @return the claim, or a refusal when the invocation has failed
     */
    Claim claim(ToolExecutionRequest request, Function<Batch, TurnRun> startBatch, Supplier<TurnRun> startAlone) {
        Batch claimed;
        int index;
        int[] release;
        CompletableFuture<TurnRun> starting = null;
        CompletableFuture<TurnRun> turn = null;
        synchronized (this) {
            if (failure != null) {
                return Claim.refused(failure);
            }
            index = batch == null || batch.runsAlone ? -1 : batch.claim(request);
            claimed = batch;
            if (index < 0) {
                ranAlone.add(request);
            } else if (batch.run == null) {
                starting = new CompletableFuture<>();
                batch.run = starting;
            }
            if (index >= 0) {
                turn = batch.run;
            }
        }
        if (index < 0) {
            TurnRun alone = startAlone.get();
            track(alone);
            return new Claim(alone, 0, null, null);
        }
        if (starting != null) {
            TurnRun run;
            try {
                run = startBatch.apply(claimed);
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    claimed.claimed[index] = false;
                    claimed.run = null; // the next call of the batch tries again
                }
                starting.completeExceptionally(e);
                throw e;
            }
            track(run);
            starting.complete(run);
        }
        TurnRun run = turn.join(); // a failed start is this call's internal failure too
        synchronized (this) {
            // Sequentially, LangChain4j reaches this call only after it has dealt with every earlier one. With
            // executeToolsConcurrently() it starts them all at once on its own threads, so a call arriving says
            // nothing about an earlier call to a tool nobody has: LangChain4j may yet fail the invocation on it.
            for (int i = 0; i < index; i++) {
                if (!claimed.concurrent || !claimed.unknownToLangChain4j.contains(i)) {
                    claimed.passed[i] = true;
                }
            }
            release = claimed.passedPositions();
        }
        release(run, release);
        return new Claim(run, index, claimed, null);
    }

    /**
     * Joins a call that streamed in to its message's turn, opening the message's batch at its first call ({@code open}
     * registers its turn here before any call of it can start). A call of a message complete before any of its calls
     * reached the library (a synchronous invocation, calls that all came at the end, an output guardrail's reprompt)
     * is claimed in that message's whole batch ({@code inBatch}); the caller has captured it as the listener would.
     *
     * @param source the message as the streaming model delivered it, or null when the library could not see it
     * @return the claim, or a refusal when the invocation has failed
     */
    Claim joinStreamed(ToolExecutionRequest request, StreamedMessage source, Supplier<StreamedBatch> open,
            Supplier<Claim> inBatch) {
        while (true) {
            StreamedBatch current;
            synchronized (this) {
                if (failure != null) {
                    return Claim.refused(failure);
                }
                // A whole batch only when one was captured for this very message and none of its calls streamed in:
                // it may have completed a moment ago, uncaptured. Then this opens or joins the streamed batch.
                boolean whole = source != null && batch != null && batch.source == source
                        && (streamed == null || !streamed.of(source));
                boolean inWhole = whole || streamed == null && batchPending && batch != null && batch.holds(request);
                if (!inWhole && (streamed == null || streamed.closed() && !streamed.of(source))) {
                    streamed = open.get();
                }
                current = inWhole ? null : streamed;
            }
            if (current == null) {
                return inBatch.get();
            }
            StreamedBatch.Joined joined = current.join(request);
            if (joined != null) {
                return new Claim(joined.run(), joined.index(), current, null);
            }
            synchronized (this) {
                streamed = streamed == current ? null : streamed; // a call of the next message: the last one is over
            }
        }
    }

    /**
     * A message of an AI service whose calls may stream in is complete. When some of its calls have joined a streamed
     * batch, that batch is closed (its calls still to come join it in the model's order); else the message is a whole
     * batch ({@link #newBatch}), planned in the model's order. Idempotent: heard from the listener, or first from a
     * call that reached the library after the message was complete.
     *
     * @param ours the message's calls to this installation's tools, in the model's order
     * @param notRun the message's other calls, by id, with their tools' names
     * @param source the message as streamed (null when the library could not see it): its batch is not reopened
     * @return whether the message became a whole batch
     */
    boolean messageComplete(List<ToolExecutionRequest> requests, CapturedContext context,
            Set<Integer> unknownToLangChain4j, Set<Integer> mine, boolean concurrent,
            List<ToolExecutionRequest> ours, Map<String, String> notRun, StreamedMessage source) {
        StreamedBatch current;
        synchronized (this) {
            if (failure != null) {
                return false;
            }
            boolean same = streamed != null && source != null && streamed.of(source);
            streamed = !same && streamed != null && streamed.closed() ? null : streamed; // the last message's
            current = streamed;
            if (current == null) {
                newBatch(requests, context, unknownToLangChain4j, mine, concurrent, source);
            }
        }
        if (current != null) {
            current.close(ours, notRun);
        }
        owner.changed(this);
        return current == null;
    }

    /** Lets the turn go past the given external calls; outside the monitor, since that may start calls. */
    private static void release(TurnRun run, int[] positions) {
        for (int i = 0; run != null && positions != null && i < positions.length; i++) {
            run.release(positions[i]);
        }
    }

    /**
     * Counts a turn until it is done; a turn started after the invocation failed is cancelled at once (a streamed
     * turn is tracked before its first call is added, so that call is then answered {@code CANCELLED}).
     */
    void track(TurnRun run) {
        String failed;
        synchronized (this) {
            running.add(run);
            failed = failure;
        }
        if (failed != null) {
            run.cancel(failed);
        }
        run.whenDone().whenComplete((outcomes, error) -> {
            synchronized (this) {
                running.remove(run);
            }
            if (!pinned()) { // else the last pin's release re-examines it, after this removal
                owner.changed(this);
            }
        });
    }

    /**
     * LangChain4j has decided on a call of the current batch to a tool it does not have, and the invocation
     * goes on: what was emitted after it may run.
     *
     * @param request the very request LangChain4j handed to its strategy
     */
    void decided(ToolExecutionRequest request) {
        TurnRun run;
        int[] release;
        synchronized (this) {
            if (batch == null || !batch.pass(request)) {
                return;
            }
            run = batch.startedRun();
            release = batch.passedPositions();
        }
        release(run, release);
        owner.changed(this);
    }

    /**
     * Cancels the batch's turn if LangChain4j has still not decided on one of its calls to an unknown tool: the
     * calls after it must not wait without a limit for a signal that may never come (a strategy of the user's own
     * that does not tell the library, or a call LangChain4j failed in a way no listener hears).
     *
     * @param reason why, for the model
     */
    void cancelIfUndecided(Batch which, TurnRun run, String reason) {
        synchronized (this) {
            if (which.unknownDecided() || run.whenDone().isDone()) {
                return;
            }
        }
        run.cancel(reason);
    }

    /**
     * LangChain4j has finished with the current batch: it sends the next request to the model, or the
     * invocation completed. Every external call has been passed, and no call of the batch will come any more.
     */
    void passed() {
        TurnRun run = null;
        int[] release = null;
        StreamedBatch ended;
        synchronized (this) {
            ended = streamed;
            streamed = null;
            batchPending = false;
            if (batch != null) {
                Arrays.fill(batch.passed, true);
                run = batch.startedRun();
                release = batch.passedPositions();
            }
        }
        release(run, release);
        StreamedTurn streamedRun = ended == null ? null : ended.run();
        if (streamedRun != null && !streamedRun.settled()) {
            // LangChain4j has every result it waits for: whatever is left would wait for calls that never come.
            streamedRun.cancel("LangChain4j moved on from the streamed message before every call of it had arrived");
        }
        owner.changed(this);
    }

    /**
     * The invocation failed or was cancelled: cancels every turn of it still running, and refuses every call
     * that comes later.
     *
     * @param reason why, for the model
     */
    void fail(String reason) {
        cancelAll(reason, true);
    }

    /**
     * The state was dropped after its idle expiry: the turns still waiting for calls that never came are
     * cancelled, so that nothing of them (MDC, outputs, a budget-less wait) stays behind.
     *
     * @param reason why, for the model
     */
    void expired(String reason) {
        cancelAll(reason, false);
    }

    private void cancelAll(String reason, boolean refuseLater) {
        List<TurnRun> cancel;
        synchronized (this) {
            if (refuseLater && failure == null) {
                failure = reason;
            }
            batchPending = false;
            streamed = null;
            cancel = List.copyOf(running);
        }
        cancel.forEach(run -> run.cancel(reason));
        owner.changed(this);
    }
}
