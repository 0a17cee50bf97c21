package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The eager graph of one turn: for every call, how many of the calls it waits for (data and order predecessors,
 * for an {@link Kind#EXTERNAL} call the caller passing it, and in a streamed message the calls it refers to that have
 * not arrived yet) have not finished. A call is ready the moment its count reaches zero, not at a wave's barrier.
 * Pure bookkeeping: no threads, no time.
 *
 * <p>A streamed message's calls are {@linkplain #add added} as they arrive: an edge to a call that has finished
 * already is no edge, and an edge to one still running is counted, atomically with that call finishing.
 *
 * <p>Thread-safe (this object's monitor, held only for the counting): each call is {@linkplain #finished finished}
 * and {@linkplain #pass passed} at most once, from any thread, and each successor becomes ready exactly once.
 */
final class CallGraph {

    private static final class Node {
        final boolean external;
        int pending;
        boolean finished;
        boolean passed;
        final List<Integer> successors = new ArrayList<>(2);

        Node(boolean external) {
            this.external = external;
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> roots = new ArrayList<>();

    CallGraph(Plan plan) {
        for (PlannedCall call : plan.calls()) {
            Node node = new Node(call.kind() == Kind.EXTERNAL);
            node.pending = call.dataPredecessors().length + call.orderPredecessors().length + (node.external ? 1 : 0);
            for (int s : call.successors()) {
                node.successors.add(s);
            }
            nodes.add(node);
            if (node.pending == 0) {
                roots.add(call.index());
            }
        }
    }

    /** @return the calls that wait for nothing, in the model's order */
    List<Integer> roots() {
        return List.copyOf(roots);
    }

    /**
     * Adds the call that streamed in next, and links to it the earlier calls that were waiting for it to arrive, all
     * under one hold of this graph's monitor: a predecessor finishing on another thread sees either none of it or all
     * of it, so no waiter is linked to a call that has finished already.
     *
     * @param index its position: the number of calls added so far
     * @param waitsFor the earlier calls it waits for
     * @param awaits how many calls it waits for that have not arrived yet; each is linked when it arrives
     * @param waitedBy earlier calls whose counts already hold this call (they waited for it to arrive)
     * @return whether it is ready now
     */
    synchronized boolean add(int index, int[] waitsFor, int awaits, int[] waitedBy) {
        if (index != nodes.size()) {
            throw new IllegalStateException("call " + index + " added after " + nodes.size() + " calls");
        }
        Node node = new Node(false);
        node.pending = awaits;
        for (int p : waitsFor) {
            Node predecessor = nodes.get(p);
            if (!predecessor.finished) {
                predecessor.successors.add(index);
                node.pending++;
            }
        }
        nodes.add(node);
        for (int waiter : waitedBy) {
            node.successors.add(waiter);
        }
        return node.pending == 0;
    }

    /** As {@link #add(int, int[], int, int[])} with no waiter. */
    boolean add(int index, int[] waitsFor, int awaits) {
        return add(index, waitsFor, awaits, new int[0]);
    }

    /**
     * A call that was waiting for {@code arrived} to arrive now waits for it to finish (its count already holds it);
     * if it has finished already, it no longer waits for it.
     *
     * @param arrived a call already added
     * @param waiter the call that refers to it
     * @return whether the waiter became ready now (it waited for nothing else)
     */
    synchronized boolean link(int arrived, int waiter) {
        if (nodes.get(arrived).finished) {
            return --nodes.get(waiter).pending == 0;
        }
        nodes.get(arrived).successors.add(waiter);
        return false;
    }

    /**
     * A call that waited for a call to arrive no longer does (the message closed, and what it waited for was text).
     *
     * @param waiter the call
     * @return whether it became ready now
     */
    synchronized boolean arrivalWontCome(int waiter) {
        return --nodes.get(waiter).pending == 0;
    }

    /**
     * A call that has not become ready yet also waits for another (an ordering inherited from a call rejected while
     * both waited); nothing when that one has finished.
     */
    synchronized void addWait(int waiter, int predecessor) {
        Node p = nodes.get(predecessor);
        if (!p.finished) {
            p.successors.add(waiter);
            nodes.get(waiter).pending++;
        }
    }

    /**
     * A call finished: its successors whose last predecessor it was become ready.
     *
     * @param call the finished call's index; called once per call
     * @param ready where the newly ready calls are added, in the model's order
     */
    void finished(int call, Collection<Integer> ready) {
        List<Integer> now = new ArrayList<>();
        synchronized (this) {
            Node node = nodes.get(call);
            node.finished = true;
            for (int s : node.successors) {
                if (--nodes.get(s).pending == 0) {
                    now.add(s);
                }
            }
        }
        now.sort(null);
        ready.addAll(now);
    }

    /**
     * The caller passed an external call: it no longer waits for that.
     *
     * @param call the call's index
     * @return true when the call became ready now; false for a call that is not external, a second pass, or a
     *     call that still waits for a predecessor
     */
    synchronized boolean pass(int call) {
        Node node = nodes.get(call);
        if (!node.external || node.passed) {
            return false;
        }
        node.passed = true;
        return --node.pending == 0;
    }

    /**
     * @param call a call's index
     * @return how many of the calls it waits for have not finished
     */
    synchronized int pending(int call) {
        return nodes.get(call).pending;
    }
}
