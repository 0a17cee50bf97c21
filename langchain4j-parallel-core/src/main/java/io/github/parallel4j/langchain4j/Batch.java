package io.github.parallel4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.schedule.TurnRun;
import java.util.List;
import java.util.Set;

/**
 * The tool calls of one AI message, as the response listener saw them, and the turn that runs them once the
 * first of them reaches a wrapped executor. Guarded by the owning {@link InvocationState}.
 */
final class Batch {

    final List<ToolExecutionRequest> requests;
    final boolean[] claimed;
    /** External calls LangChain4j has dealt with: what was emitted after them may run. */
    final boolean[] passed;
    /** The thread that received the AI message: LangChain4j's sequential loop runs the calls on it, in order. */
    final Thread announcer;
    /** Positions of calls to tools the AI service does not have either (hallucinated names). */
    final Set<Integer> unknownToLangChain4j;
    /** Positions of calls to this installation's tools: LangChain4j hands each of them to one of its executors. */
    private final Set<Integer> ours;
    TurnRun run;
    /** Some of its calls ran before the batch was known, so each of its calls runs alone. */
    boolean runsAlone;
    /** Each call's share of the turn's observation budget, computed once when first needed. */
    private int[] shares;

    synchronized int[] shares(java.util.function.Supplier<int[]> compute) {
        if (shares == null) {
            shares = compute.get();
        }
        return shares;
    }

    /**
     * The context of the thread that received the AI message (the caller's, for a synchronous AI service), for the
     * tools: with {@code executeToolsConcurrently()} the turn starts on one of LangChain4j's threads, which does
     * not have it.
     */
    final List<ContextPropagator.Captured> context;

    Batch(List<ToolExecutionRequest> requests, List<ContextPropagator.Captured> context, Thread announcer,
            Set<Integer> unknownToLangChain4j, Set<Integer> ours) {
        this.ours = Set.copyOf(ours);
        this.context = context;
        this.requests = List.copyOf(requests);
        this.claimed = new boolean[requests.size()];
        this.passed = new boolean[requests.size()];
        this.announcer = announcer;
        this.unknownToLangChain4j = Set.copyOf(unknownToLangChain4j);
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

    /** Lets the turn go past every external call marked passed; has no effect before the turn starts. */
    void releasePassed() {
        if (run == null) {
            return;
        }
        for (int i = 0; i < passed.length; i++) {
            if (passed[i]) {
                run.release(i);
            }
        }
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
