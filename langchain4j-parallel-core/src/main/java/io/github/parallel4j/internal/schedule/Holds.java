package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * The waits a turn writes down itself, as they end: before a call is ready (the predecessor whose end made it ready
 * is the one it waited for last, and the wait is from its arrival, the turn's start for a planned batch), and on the
 * timer between attempts (a pause after an upstream 429, a retry's backoff). The steps of a call's admission write
 * theirs down in {@link io.github.parallel4j.internal.limit.Admission}.
 */
final class Holds {

    private Holds() {}

    /**
     * Tells the graph a call finished, and marks the calls it made ready as having waited for it last.
     *
     * @param graph the turn's graph
     * @param calls the turn's calls
     * @param finished the finished call's index
     * @param ready where the newly ready calls are added
     */
    static void finished(CallGraph graph, List<CallState> calls, int finished, ArrayDeque<Integer> ready) {
        int before = ready.size();
        graph.finished(finished, ready);
        if (ready.size() == before) {
            return;
        }
        Iterator<Integer> newest = ready.descendingIterator();
        for (int k = ready.size() - before; k > 0; k--) {
            calls.get(newest.next()).lastPredecessor = finished;
        }
    }

    /**
     * Writes down what a call waited for before it became ready: {@link HeldBy#DATA} when its arguments reference the
     * call it waited for last (or it is an identical read that is given that call's result), else
     * {@link HeldBy#CONFLICT}.
     *
     * @param plan the turn's plan
     * @param state the call, ready now
     * @param origin when the turn started, on the scheduler's ticker
     * @param now the turn's clock
     */
    static void predecessor(Plan plan, CallState state, long origin, long now) {
        int p = state.lastPredecessor;
        if (p < 0) {
            return;
        }
        PlannedCall call = state.call;
        boolean data = p == call.duplicateOf(); // an identical read whose result it is given: it waited for its output
        for (int d : call.dataPredecessors()) {
            data |= d == p;
        }
        state.held(data ? HeldBy.DATA : HeldBy.CONFLICT, plan.calls().get(p).id(), origin + state.arrivedAt,
                origin + now);
    }

    /**
     * @param state the call
     * @param step what holds it while it waits on the timer
     * @param on what of it, or null
     * @param ticker the scheduler's time source
     * @param then what to do after the wait
     * @return a timer task that writes the wait down, then runs {@code then}
     */
    static Runnable timed(CallState state, HeldBy step, String on, Ticker ticker, Runnable then) {
        long since = ticker.read();
        return () -> {
            state.held(step, on, since, ticker.read());
            then.run();
        };
    }
}
