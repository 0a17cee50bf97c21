package io.github.parallel4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.schedule.TurnRun;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * What the library keeps for one AI service invocation: the latest batch of tool calls and the lock that keeps
 * an exclusive write alone among calls that arrive one at a time. Lives from the model response that carried
 * tool calls to the end of the invocation.
 */
final class InvocationState {

    final ReadWriteLock scope = new ReentrantReadWriteLock(true);
    private Batch batch;

    synchronized void newBatch(List<ToolExecutionRequest> requests) {
        batch = new Batch(requests);
    }

    /**
     * Claims the request's place in the current batch, starting the batch's turn if this is its first call, and
     * lets pass every external call emitted before it (the AI service has reached this call, so it has passed
     * them).
     *
     * @return the claim, or null when the request is not part of the current batch
     */
    synchronized Claim claim(ToolExecutionRequest request, Function<Batch, TurnRun> start) {
        if (batch == null) {
            return null;
        }
        int index = batch.claim(request);
        if (index < 0) {
            return null;
        }
        if (batch.run == null) {
            batch.run = start.apply(batch);
        }
        for (int i = 0; i < index; i++) {
            batch.run.release(i);
        }
        return new Claim(batch.run, index);
    }

    synchronized void cancel(String reason) {
        if (batch != null && batch.run != null) {
            batch.run.cancel(reason);
        }
    }

    record Claim(TurnRun run, int index) {}
}
