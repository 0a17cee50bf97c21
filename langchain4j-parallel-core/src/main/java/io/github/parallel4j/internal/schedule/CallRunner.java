package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall;
import java.util.Optional;

/**
 * Runs one call's tool, on a thread of the scheduler's executor.
 *
 * <p>Implementations should respond to interruption: it is how a call is cancelled when its turn runs out of
 * time. A call that ignores it is abandoned (its observation is already written) and its thread finishes on its
 * own.
 */
@FunctionalInterface
@Internal
public interface CallRunner {

    /**
     * Runs the tool.
     *
     * @param call the planned call
     * @param arguments the call's arguments with every reference filled in
     * @return the tool's output
     * @throws CallFailure to end the call with a specific error code
     * @throws Exception anything the tool threw; it becomes {@code TOOL_ERROR}
     */
    ToolOutput run(PlannedCall call, JsonNode arguments) throws Exception;

    /**
     * A result kept from an earlier identical call, to answer with instead of running. Asked once the call holds its
     * locks (its invocation lock and its resource keys, so no write to its keys is running), and before any
     * concurrency cap, slot or rate permit is taken, so a kept result spends none. Called on the thread that granted
     * those locks (the turn's own, or one finishing another call); must be quick. An exception counts as no kept
     * result: the tool runs.
     *
     * @param call the planned call
     * @param arguments its arguments with every reference filled in
     * @return the kept output, or empty to run the tool
     */
    default Optional<ToolOutput> cached(PlannedCall call, JsonNode arguments) {
        return Optional.empty();
    }
}
