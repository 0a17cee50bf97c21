package io.github.parallel4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.schedule.TurnRun;
import java.util.List;

/**
 * The tool calls of one AI message, as the response listener saw them, and the turn that runs them once the
 * first of them reaches a wrapped executor. Guarded by the owning {@link InvocationState}.
 */
final class Batch {

    final List<ToolExecutionRequest> requests;
    final boolean[] claimed;
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
    final List<io.github.parallel4j.ContextPropagator.Captured> context;

    Batch(List<ToolExecutionRequest> requests, List<io.github.parallel4j.ContextPropagator.Captured> context) {
        this.context = context;
        this.requests = List.copyOf(requests);
        this.claimed = new boolean[requests.size()];
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
