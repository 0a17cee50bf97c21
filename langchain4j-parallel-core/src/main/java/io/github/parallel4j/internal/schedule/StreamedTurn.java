package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.OpenPlan;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The turn of one AI message whose calls stream in: it starts with no call, its budget runs from its first call's
 * arrival, and each call joins it as it arrives ({@link #add}, in the order of its {@link OpenPlan}), starting as
 * soon as what it waits for has finished. It is one turn in every other way: one budget, the per-turn cap and retry
 * allowance, fail-fast across every call that came or comes, one {@link #whenDone()} with every call's outcome once
 * it is {@linkplain #seal sealed} (every call of the complete message arrived).
 *
 * <p>A call that arrives after the turn closed (budget, cancellation, fail-fast) is answered at once and does not
 * run; it is not one of the outcomes {@link #whenDone()} reports. Thread-safe, as {@link TurnRun}; arrivals are
 * expected one at a time, in the open plan's order.
 */
@Internal
public final class StreamedTurn extends TurnRun {

    StreamedTurn(Plan empty, CallRunner runner, TurnScheduler scheduler, TurnOptions options,
            CapturedContext context) {
        super(empty, runner, scheduler, options, context, true);
    }

    /**
     * Adds the call of a streamed message that arrived next ({@link OpenPlan#add}, in the same order): it starts as
     * soon as what it waits for has finished, and the earlier calls its arrival rejected get their outcomes. A call
     * that comes after the turn closed (budget, cancellation, fail-fast) is answered at once and does not run.
     *
     * @param arrival what the open plan made of the call
     */
    public void add(OpenPlan.Arrival arrival) {
        CallState state = new CallState(arrival.call());
        int index = arrival.call().index();
        CallOutcome answered = null;
        boolean joined;
        synchronized (this) {
            if (index != calls.size()) {
                throw new IllegalStateException("call " + index + " of a streamed message added after " + calls.size());
            }
            plan = arrival.plan();
            state.arrivedAt = now();
            calls.add(state);
            joined = completion.join();
            long now = now();
            if (closedWith != null) {
                answered = state.closedOutcome(closedWith, closedReason, now);
            } else if (!joined) {
                answered = CallOutcome.failure(state.call, ErrorCode.CANCELLED, "the call arrived after its message's"
                        + " turn had ended; it did not run", null, now, -1, now, 0);
            }
        }
        if (joined) {
            state.outcome.whenComplete((outcome, error) -> completion.ended());
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        // One hold of the graph: a predecessor finishing meanwhile either sees the new call linked to its waiters, or
        // finishes before any of it (then the new call does not count it).
        boolean isReady = graph.add(index, arrival.waitsFor(), arrival.awaits(), arrival.waitedBy());
        arrival.moreWaits().forEach(pair -> graph.addWait(pair[0], pair[1]));
        rejectWaiting(arrival.rejected(), ready);
        if (answered != null) {
            complete(state, answered, ready);
        } else if (isReady) {
            ready.add(index);
        }
        drain(ready);
    }

    /**
     * The streamed message is complete: the calls that waited for a call it does not hold get their outcomes, and those
     * that waited for a name that turned out to be text no longer wait for it.
     *
     * @param closing what the open plan made of the message's end
     */
    public void messageClosed(OpenPlan.Closing closing) {
        plan = closing.plan();
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        closing.moreWaits().forEach(pair -> graph.addWait(pair[0], pair[1]));
        rejectWaiting(closing.rejected(), ready);
        long now = now();
        for (int i = 0; i < closing.released().size(); i++) {
            int call = closing.released().get(i);
            CallState state = calls.get(call);
            state.textUntil = now; // written down when it is ready: Holds#predecessors
            String name = closing.releasedFrom().get(i) + " (text)";
            state.textOn = state.textOn == null ? name : state.textOn + ", " + name;
            if (graph.arrivalWontCome(call)) {
                ready.add(call);
            }
        }
        drain(ready);
    }

    /** Every call of the streamed message has been {@linkplain #add added}: none joins any more. */
    public void seal() {
        completion.seal();
    }

    /** Answers calls the open plan rejected while they waited (none of them had started) with their rejection. */
    private void rejectWaiting(List<PlannedCall> rejected, ArrayDeque<Integer> ready) {
        for (PlannedCall call : rejected) {
            long now = now();
            complete(calls.get(call.index()), CallOutcome.failure(call, call.rejection(), call.rejectionMessage(), null,
                    now, -1, now, 0), ready);
        }
    }

    /**
     * @return whether no call of the turn runs or waits and none can join it: each has its outcome (read from the
     *     outcomes, which the callers woken by them see before {@link #whenDone()} is completed)
     */
    public boolean settled() {
        if (completion.isOpen()) {
            return false;
        }
        int members = completion.members();
        for (int i = 0; i < members; i++) {
            if (!calls.get(i).isDone()) {
                return false;
            }
        }
        return true;
    }


    /**
     * @param run a turn
     * @return whether every call of the turn has its outcome and, for a streamed message's, none can join it any more
     *     (read from the outcomes, which the callers woken by them see before {@link #whenDone()} is completed)
     */
    public static boolean finished(TurnRun run) {
        if (run instanceof StreamedTurn streamed) {
            return streamed.settled();
        }
        for (int i = 0; i < run.plan().size(); i++) {
            if (!run.outcome(i).isDone()) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param index a call's position in the plan
     * @return when it streamed in, on the turn's clock (nanoseconds since the first call arrived)
     */
    public long arrivedNanos(int index) {
        return calls.get(index).arrivedAt;
    }
}
