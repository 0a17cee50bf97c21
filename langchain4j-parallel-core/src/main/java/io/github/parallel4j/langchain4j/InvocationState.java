package io.github.parallel4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.schedule.TurnRun;
import java.util.ArrayList;
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
    private int batches;
    /** Calls that ran alone since the last batch was seen: streaming with concurrent tools runs them early. */
    private final List<ToolExecutionRequest> ranAlone = new ArrayList<>();

    /**
     * Records the calls of a new AI message. If any of them already ran alone (the streaming handler started it
     * before the message was complete), the batch is never planned as a whole: the rest run alone too, so that
     * nothing runs twice.
     */
    synchronized void newBatch(List<ToolExecutionRequest> requests,
            List<io.github.parallel4j.ContextPropagator.Captured> context) {
        Batch next = new Batch(requests, context);
        for (ToolExecutionRequest request : requests) {
            for (ToolExecutionRequest early : ranAlone) {
                if (early == request || early.equals(request)) {
                    next.runsAlone = true;
                }
            }
        }
        ranAlone.clear();
        batch = next;
        batches++;
    }

    /** @return how many AI messages with tool calls this invocation has had: a turn's number */
    synchronized int batchNumber() {
        return batches;
    }

    /**
     * Claims the request's place in the current batch, starting the batch's turn if this is its first call, and
     * lets pass every external call emitted before it (the AI service has reached this call, so it has passed
     * them).
     *
     * @return the claim, or null when the request is not part of the current batch: it is to run alone
     */
    synchronized Claim claim(ToolExecutionRequest request, Function<Batch, TurnRun> start) {
        int index = batch == null || batch.runsAlone ? -1 : batch.claim(request);
        if (index < 0) {
            ranAlone.add(request);
            return null;
        }
        if (batch.run == null) {
            try {
                batch.run = start.apply(batch);
            } catch (RuntimeException | Error e) {
                batch.claimed[index] = false;
                throw e;
            }
        }
        for (int i = 0; i < index; i++) {
            batch.run.release(i);
        }
        return new Claim(batch.run, index, batch);
    }

    synchronized void cancel(String reason) {
        if (batch != null && batch.run != null) {
            batch.run.cancel(reason);
        }
    }

    /** The invocation ended normally: the AI service has passed every external call of the batch. */
    synchronized void finish() {
        if (batch != null && batch.run != null) {
            for (int i = 0; i < batch.requests.size(); i++) {
                batch.run.release(i);
            }
        }
    }

    /** Whether a turn of this invocation is still running: its state must not expire then. */
    synchronized boolean busy() {
        return batch != null && batch.run != null && !batch.run.whenDone().isDone();
    }

    /** A call's place in a running turn; {@code batch} is null for a call that runs alone. */
    record Claim(TurnRun run, int index, Batch batch) {}
}
