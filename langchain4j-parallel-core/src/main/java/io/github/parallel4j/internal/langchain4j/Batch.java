package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.internal.schedule.TurnRun;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The tool calls of one AI message, as the response listener saw them, and the turn that runs them once the
 * first of them reaches a wrapped executor. Guarded by the owning {@link InvocationState}, except where a method
 * says otherwise.
 */
final class Batch implements TurnShares {

    final List<ToolExecutionRequest> requests;
    final boolean[] claimed;
    /** External calls LangChain4j has dealt with: what was emitted after them may run. */
    final boolean[] passed;
    /**
     * Whether LangChain4j runs the calls at once ({@code executeToolsConcurrently()}), as its configuration said
     * when the message came: then a call arriving says nothing about the calls before it.
     */
    final boolean concurrent;
    /** Positions of calls to tools the AI service does not have either (hallucinated names). */
    final Set<Integer> unknownToLangChain4j;
    /** Positions of calls to this installation's tools: LangChain4j hands each of them to one of its executors. */
    private final Set<Integer> ours;
    private static final int[] NONE = new int[0];
    /** The batch's turn, once its first call has started it (completed outside the state's monitor). */
    CompletableFuture<TurnRun> run;
    /** Some of its calls ran before the batch was known, so each of its calls runs alone. */
    boolean runsAlone;
    /** Each call's share of the turn's observation budget, computed once when first needed. */
    private int[] shares;
    /** Whether its observations share the turn's limit ({@link #sharedBy}), once known. */
    private volatile Boolean sharedBy;
    /** The message as the streaming model delivered it, or null when the library could not see it stream. */
    final StreamedMessage source;

    /**
     * The context of the thread that received the AI message (the caller's, for a synchronous AI service), for the
     * tools: with {@code executeToolsConcurrently()} the turn starts on one of LangChain4j's threads, which does
     * not have it.
     */
    final CapturedContext context;

    Batch(List<ToolExecutionRequest> requests, CapturedContext context, boolean concurrent,
            Set<Integer> unknownToLangChain4j, Set<Integer> ours, StreamedMessage source) {
        this.source = source;
        this.ours = Set.copyOf(ours);
        this.context = context;
        this.requests = List.copyOf(requests);
        this.claimed = new boolean[requests.size()];
        this.passed = new boolean[requests.size()];
        this.concurrent = concurrent;
        this.unknownToLangChain4j = Set.copyOf(unknownToLangChain4j);
    }

    /** Guarded by its own monitor: read by the callers of the batch after they have claimed their places. */
    @Override
    public synchronized int[] shares(Supplier<int[]> compute) {
        if (shares == null) {
            shares = compute.get();
        }
        return shares;
    }

    /**
     * Whether its calls' observations share the turn's limit: two calls or more, none external (the rest of the
     * turn would wait for the AI service to pass an external call, which it does only after the observation before
     * it is returned). Computed once per batch, not once per call and wait: its turn's plan is always the plan of
     * its requests, so the first answer holds for every later call.
     *
     * @param plan its turn's plan, {@code plan(requests)}
     */
    boolean sharedBy(Plan plan) {
        Boolean known = sharedBy;
        if (known == null) { // racing callers compute the same answer: no monitor on the way to the observation
            known = plan.size() > 1 && plan.calls().stream().noneMatch(c -> c.kind() == PlannedCall.Kind.EXTERNAL);
            sharedBy = known;
        }
        return known;
    }

    /** @return whether a call to one of this installation's tools has not reached its executor yet */
    boolean awaitsCalls() {
        for (int i : ours) {
            if (!claimed[i]) {
                return true;
            }
        }
        return false;
    }

    /** @return the turn if it has started, else null (nothing to release yet: it starts with what is passed) */
    TurnRun startedRun() {
        return run == null ? null : run.getNow(null);
    }

    /**
     * @return the positions of the external calls marked passed, to release outside the state's monitor: only those
     *     (the turn ignores a release of any other call), so a call of a batch with none costs no array and no loop
     *     (every call of a batch marks all earlier positions passed: returning them all was O(n) per call)
     */
    int[] passedPositions() {
        if (ours.size() == passed.length) {
            return NONE;
        }
        int n = 0;
        for (int i = 0; i < passed.length; i++) {
            n += passed[i] && !ours.contains(i) ? 1 : 0;
        }
        if (n == 0) {
            return NONE;
        }
        int[] positions = new int[n];
        for (int i = 0, k = 0; i < passed.length; i++) {
            if (passed[i] && !ours.contains(i)) {
                positions[k++] = i;
            }
        }
        return positions;
    }

    /**
     * Marks this very request (by identity: LangChain4j hands its strategy the request it received) passed.
     *
     * @return whether it is one of this batch's calls
     */
    boolean pass(ToolExecutionRequest request) {
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i) == request) {
                passed[i] = true;
                return true;
            }
        }
        return false;
    }

    /** @return whether every call to an unknown tool has been decided on by LangChain4j */
    boolean unknownDecided() {
        for (int i : unknownToLangChain4j) {
            if (!passed[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return whether these are this batch's calls, the very objects in the same order */
    boolean sameCalls(List<ToolExecutionRequest> calls) {
        if (calls.size() != requests.size()) {
            return false;
        }
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i) != requests.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return whether the request is one of this batch's calls not claimed yet (the same object, or an equal one) */
    boolean holds(ToolExecutionRequest request) {
        for (int i = 0; i < requests.size(); i++) {
            if (!claimed[i] && (requests.get(i) == request || requests.get(i).equals(request))) {
                return !runsAlone;
            }
        }
        return false;
    }

    /**
     * Finds the request's position: the same object if LangChain4j passed it on as is (it does), else an equal
     * request not yet claimed (a copy made by a guardrail or a listener). Repeated identical calls each get their
     * own position, in order.
     */
    int claim(ToolExecutionRequest request) {
        for (int i = 0; i < requests.size(); i++) {
            if (!claimed[i] && requests.get(i) == request) {
                claimed[i] = true;
                return i;
            }
        }
        for (int i = 0; i < requests.size(); i++) {
            if (!claimed[i] && requests.get(i).equals(request)) {
                claimed[i] = true;
                return i;
            }
        }
        return -1;
    }
}
