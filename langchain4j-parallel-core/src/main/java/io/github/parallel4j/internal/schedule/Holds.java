package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.ArrayList;
import java.util.List;

/**
 * The wait a turn writes down itself before a call is ready: from the call's arrival (the turn's start for a planned
 * batch) until its last data predecessor finished, {@link HeldBy#DATA} on that one; from then until its last order
 * predecessor finished, {@link HeldBy#CONFLICT} on that one (an order predecessor that finished earlier held it no
 * longer than its data did). A predecessor still running when the turn closes is taken to end at the close. The
 * steps of a call's admission write theirs down in {@link io.github.parallel4j.internal.limit.Admission}, the timer
 * waits between attempts in {@link TimedWait}.
 */
final class Holds {

    /** The most calls named for one step; the rest are counted. */
    static final int MAX_NAMED = 3;

    private Holds() {}

    /**
     * Writes down what a call waited for before it became ready, or before its turn closed.
     *
     * @param plan the turn's plan
     * @param calls the turn's calls
     * @param state the call, ready now or closed before it was
     * @param origin when the turn started, on the scheduler's ticker
     * @param now the turn's clock: when it became ready, or when its turn closed
     */
    static void predecessors(Plan plan, List<CallState> calls, CallState state, long origin, long now) {
        PlannedCall call = state.call;
        long since = state.arrivedAt;
        long dataEnd = last(call.dataPredecessors(), calls, now);
        long orderEnd = last(call.orderPredecessors(), calls, now);
        if (dataEnd > since) {
            state.held(HeldBy.DATA, names(plan, call.dataPredecessors(), calls, now, dataEnd),
                    origin + since, origin + dataEnd);
        }
        long conflictSince = Math.max(since, dataEnd);
        if (orderEnd > conflictSince) {
            state.held(HeldBy.CONFLICT, names(plan, call.orderPredecessors(), calls, now, orderEnd),
                    origin + conflictSince, origin + orderEnd);
        }
    }

    /**
     * Writes down what a call its turn closes before its outcome waits for now, up to the close: the pause or backoff
     * it waits out on the timer, and its predecessors when it was not ready yet. The step of its admission it waits at
     * writes its own wait when the turn withdraws it, sealed at the close. Called holding the turn's monitor.
     *
     * @param plan the turn's plan
     * @param calls the turn's calls
     * @param state the call
     * @param origin when the turn started, on the scheduler's ticker
     * @param at when the turn closed, on the scheduler's ticker
     * @param now the same moment on the turn's clock
     */
    static void closed(Plan plan, List<CallState> calls, CallState state, long origin, long at, long now) {
        state.seal(at);
        TimedWait.closed(state, at);
        if (state.readyAt() < 0) {
            predecessors(plan, calls, state, origin, now);
        }
    }

    /** @return when the last of {@code predecessors} finished ({@code now} for one still unfinished), or -1 */
    private static long last(int[] predecessors, List<CallState> calls, long now) {
        long last = -1;
        for (int p : predecessors) {
            last = Math.max(last, endOf(calls, p, now));
        }
        return last;
    }

    private static long endOf(List<CallState> calls, int p, long now) {
        if (p >= calls.size()) {
            return now; // a streamed call's predecessor that has not arrived yet
        }
        CallOutcome done = calls.get(p).outcome.getNow(null);
        return done == null ? now : Math.min(now, done.endNanos());
    }

    /** @return the ids of the predecessors that finished at {@code end}: at most {@link #MAX_NAMED}, then a count */
    private static String names(Plan plan, int[] predecessors, List<CallState> calls, long now, long end) {
        List<String> ids = new ArrayList<>(1);
        for (int p : predecessors) {
            if (endOf(calls, p, now) == end && p < plan.calls().size()) {
                ids.add(plan.calls().get(p).id());
            }
        }
        return named(ids);
    }

    /**
     * @param names what held a call at one step (keys, calls)
     * @return the first {@link #MAX_NAMED} joined, then how many more; null for none
     */
    static String named(List<String> names) {
        if (names.isEmpty()) {
            return null;
        }
        if (names.size() <= MAX_NAMED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_NAMED)) + " and " + (names.size() - MAX_NAMED) + " more";
    }
}
