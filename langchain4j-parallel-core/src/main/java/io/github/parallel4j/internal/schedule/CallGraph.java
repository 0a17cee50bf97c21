package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The eager graph of one turn: for every call, how many of the calls it waits for (data and order predecessors,
 * and for an {@link Kind#EXTERNAL} call the caller passing it) have not finished yet. A call is ready the moment
 * its count reaches zero, not at a wave's barrier. Pure bookkeeping: no threads, no time.
 *
 * <p>Thread-safe: each call is {@linkplain #finished finished} and {@linkplain #pass passed} at most once, from
 * any thread, and each successor becomes ready exactly once.
 */
final class CallGraph {

    private final Plan plan;
    private final AtomicIntegerArray pending;
    private final AtomicIntegerArray passed;
    private final List<Integer> roots = new ArrayList<>();

    CallGraph(Plan plan) {
        this.plan = plan;
        int n = plan.size();
        this.pending = new AtomicIntegerArray(n);
        this.passed = new AtomicIntegerArray(n);
        for (PlannedCall call : plan.calls()) {
            int waits = call.dataPredecessors().length + call.orderPredecessors().length;
            if (call.kind() == Kind.EXTERNAL) {
                waits++; // and for pass(): the caller passing the call
            }
            pending.set(call.index(), waits);
            if (waits == 0) {
                roots.add(call.index());
            }
        }
    }

    /** @return the calls that wait for nothing, in the model's order */
    List<Integer> roots() {
        return List.copyOf(roots);
    }

    /**
     * A call finished: its successors whose last predecessor it was become ready.
     *
     * @param call the finished call's index; called once per call
     * @param ready where the newly ready calls are added, in the model's order
     */
    void finished(int call, Collection<Integer> ready) {
        for (int s : plan.calls().get(call).successors()) {
            if (pending.decrementAndGet(s) == 0) {
                ready.add(s);
            }
        }
    }

    /**
     * The caller passed an external call: it no longer waits for that.
     *
     * @param call the call's index
     * @return true when the call became ready now; false for a call that is not external, a second pass, or a
     *     call that still waits for a predecessor
     */
    boolean pass(int call) {
        if (plan.calls().get(call).kind() != Kind.EXTERNAL || !passed.compareAndSet(call, 0, 1)) {
            return false;
        }
        return pending.decrementAndGet(call) == 0;
    }

    /**
     * @param call a call's index
     * @return how many of the calls it waits for have not finished
     */
    int pending(int call) {
        return pending.get(call);
    }
}
