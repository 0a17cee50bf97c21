package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.service.tool.ToolService;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.TurnRun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Whether a call's result goes straight back to the application rather than to the model, decided as LangChain4j
 * decides it: over the whole batch, with its own {@link ToolService#shouldReturnImmediately}. Only then is the
 * tool's own result returned; otherwise LangChain4j sends it to the model (another call failed, not every call is
 * {@code IMMEDIATE}, an {@code IMMEDIATE_IF_LAST} call is not last), so it gets the envelope and its limits like
 * any other observation.
 */
final class ImmediateReturns {

    private final Map<String, ReturnBehavior> behaviors;

    /** @param behaviors the return behavior of each tool the installation wrapped, by name */
    ImmediateReturns(Map<String, ReturnBehavior> behaviors) {
        this.behaviors = behaviors;
    }

    /**
     * @param run the turn the call belongs to
     * @param outcome the call's outcome
     * @return whether LangChain4j will return this batch's results to the application without calling the model
     */
    boolean toApplication(TurnRun run, CallOutcome outcome) {
        if (!outcome.ok() || behavior(outcome.call().name()) == ReturnBehavior.TO_LLM) {
            return false; // cheap answers first: most calls never wait for their batch here
        }
        if (run.plan().calls().stream().anyMatch(c -> c.kind() == PlannedCall.Kind.EXTERNAL)) {
            // A tool the library does not run: its behavior is unknown here, and it runs only after this result is
            // returned, so waiting for the batch would never end. The model may see this result: it is enveloped.
            return false;
        }
        List<CallOutcome> all;
        try {
            all = run.whenDone().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
        boolean anyError = all.stream().anyMatch(o -> !o.ok());
        return ToolService.shouldReturnImmediately(anyError, all.stream().map(o -> behavior(o.call().name())).toList());
    }

    /** @return whether the tool's results always go to the model, whatever the rest of its batch does */
    boolean toModel(String tool) {
        return behavior(tool) == ReturnBehavior.TO_LLM;
    }

    private ReturnBehavior behavior(String tool) {
        return behaviors.getOrDefault(tool, ReturnBehavior.TO_LLM);
    }
}
