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
 * longer than its data did). A predecessor still running when the turn closes is taken to end at the close. A
 * streamed call's wait for a name counts as {@code DATA} too: until the message closed for a name that turned out to be
 * text (named "{@code toolu_9 (text)}"), until the close for a call that had not streamed in yet (named by its id). The
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
        predecessors(plan, calls, state, origin, now, List.of());
    }

    /** @param awaited the names it refers to of calls that have not streamed in yet: they held it until now */
    private static void predecessors(Plan plan, List<CallState> calls, CallState state, long origin, long now,
            List<String> awaited) {
        PlannedCall call = state.call;
        long since = state.arrivedAt;
        long calledEnd = awaited.isEmpty() ? last(call.dataPredecessors(), calls, now) : now;
        long textEnd = Math.min(state.textUntil, now); // a name that turned out to be text, until the message closed
        long dataEnd = Math.max(calledEnd, textEnd);
        long orderEnd = last(call.orderPredecessors(), calls, now);
        if (dataEnd > since) {
            List<String> ids = calledEnd == dataEnd ? names(plan, call, calls, now, dataEnd) : new ArrayList<>(1);
            if (calledEnd == dataEnd) {
                awaited.stream().filter(name -> !ids.contains(name)).forEach(ids::add);
            }
            if (textEnd == dataEnd && state.textOn != null) {
                ids.add(state.textOn);
            }
            state.held(HeldBy.DATA, named(ids), origin + since, origin + dataEnd);
        }
        long conflictSince = Math.max(since, dataEnd);
        if (orderEnd > conflictSince) {
            state.held(HeldBy.CONFLICT, named(names(plan, call.orderPredecessors(), calls, now, orderEnd)),
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
     * @param open whether the turn was a streamed message's still taking calls: a call may wait for one not arrived
     */
    static void closed(Plan plan, List<CallState> calls, CallState state, long origin, long at, long now,
            boolean open) {
        state.seal(at);
        TimedWait.closed(state, at);
        if (state.readyAt() < 0) {
            predecessors(plan, calls, state, origin, now, open ? notArrived(plan, state.call) : List.of());
        }
    }

    /** @return the names a call refers to that no call of the plan has: calls still on their way */
    private static List<String> notArrived(Plan plan, PlannedCall call) {
        List<String> names = new ArrayList<>(1);
        for (var reference : call.references()) {
            String name = reference.callId();
            if (!names.contains(name) && plan.calls().stream().noneMatch(c -> c.id().equals(name))) {
                names.add(name);
            }
        }
        return names;
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

    /**
     * @return the ids of the predecessors that finished at {@code end}; a streamed predecessor that has not reached
     *     the turn yet is named by the reference to it
     */
    private static List<String> names(Plan plan, PlannedCall call, List<CallState> calls, long now, long end) {
        return names(plan, call.dataPredecessors(), calls, now, end, call);
    }

    private static List<String> names(Plan plan, int[] predecessors, List<CallState> calls, long now, long end) {
        return names(plan, predecessors, calls, now, end, null);
    }

    private static List<String> names(Plan plan, int[] predecessors, List<CallState> calls, long now, long end,
            PlannedCall referrer) {
        List<String> ids = new ArrayList<>(1);
        boolean unknown = false;
        for (int p : predecessors) {
            if (endOf(calls, p, now) != end) {
                continue;
            }
            if (p < plan.calls().size()) {
                ids.add(plan.calls().get(p).id());
            } else {
                unknown = true; // in the call's plan, not yet in the turn's
            }
        }
        if (unknown && referrer != null) {
            for (var reference : referrer.references()) {
                if (!ids.contains(reference.callId()) && plan.calls().stream()
                        .noneMatch(c -> c.id().equals(reference.callId()))) {
                    ids.add(reference.callId());
                }
            }
        }
        return ids;
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
