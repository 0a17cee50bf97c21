package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.OpenPlan;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.StreamedTurn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The calls of one AI message that streams in while LangChain4j runs its tools at once
 * ({@code executeToolsConcurrently()} with a {@code StreamingChatModel}): LangChain4j hands each call to its executor
 * the moment the call is complete, before the message is. Each call joins the message's one turn as it arrives
 * ({@link OpenPlan}), and starts as soon as what it waits for allows; the complete response closes the batch, and once
 * each of the message's calls to this installation's tools has arrived the turn is sealed.
 *
 * <p>Thread-safe: this object's monitor orders the arrivals, so that the plan and the turn see them in the same order.
 * The turn may complete while it is held (and its listeners take the invocation state's monitor), so nothing holding
 * the invocation state's monitor takes it: {@link #expectsCalls()} and {@link #run()} read volatile fields.
 */
final class StreamedBatch implements TurnShares {

    private final OpenPlan plan;
    /** Starts the message's turn with the plan before its first call; called once, at the first arrival. */
    private final BiFunction<Plan, StreamedBatch, StreamedTurn> start;

    /** Written under this object's monitor. */
    private volatile StreamedTurn run;
    /** Whether the message is complete and each of its calls of this installation's tools has arrived. */
    private volatile boolean complete;

    // Guarded by this.
    private final List<ToolExecutionRequest> arrived = new ArrayList<>();
    /** The message's calls to this installation's tools, once the complete response came; null until then. */
    private List<ToolExecutionRequest> message;
    /** Which of the message's calls have arrived. */
    private boolean[] matched;
    /** For each arrived call, its position in the complete message (once known); read without the monitor. */
    private final List<Integer> positions = new CopyOnWriteArrayList<>();
    private int[] shares;
    private int lastMatch = -1;

    StreamedBatch(OpenPlan plan, BiFunction<Plan, StreamedBatch, StreamedTurn> start) {
        this.plan = plan;
        this.start = start;
    }

    /** A call's place in the message's turn. */
    record Joined(StreamedTurn run, int index, boolean started) {}

    /**
     * Adds a call that arrived at a wrapped executor.
     *
     * @return its place, or null when the message is complete and this is none of its calls (a new message's)
     */
    synchronized Joined join(ToolExecutionRequest request) {
        if (message != null && match(request) < 0) {
            return null;
        }
        boolean started = run == null;
        if (started) {
            run = start.apply(plan.snapshot(), this);
        }
        arrived.add(request);
        positions.add(message == null ? -1 : lastMatch);
        OpenPlan.Arrival arrival = plan.add(new CallRequest(request.id(), request.name(), request.arguments()));
        run.add(arrival);
        sealIfComplete();
        return new Joined(run, arrival.call().index(), started);
    }

    /**
     * The complete response came: the message's calls to this installation's tools are known.
     *
     * @param ours those calls, in the model's order
     * @param notRun the message's other calls, by id, with their tools' names
     */
    synchronized void close(List<ToolExecutionRequest> ours, Map<String, String> notRun) {
        if (message != null) {
            return;
        }
        message = List.copyOf(ours);
        matched = new boolean[message.size()];
        List<ToolExecutionRequest> unmatched = new ArrayList<>();
        for (int a = 0; a < arrived.size(); a++) {
            int position = match(arrived.get(a));
            positions.set(a, position < 0 ? Integer.MAX_VALUE : position);
            if (position < 0) {
                unmatched.add(arrived.get(a));
            }
        }
        Set<String> coming = new HashSet<>();
        for (int i = 0; i < message.size(); i++) {
            if (!matched[i] && message.get(i).id() != null) {
                coming.add(message.get(i).id());
            }
        }
        if (!unmatched.isEmpty()) {
            // Not expected: every call LangChain4j hands over is one of the message's. The turn still ends.
            message = new ArrayList<>(message);
            message.addAll(unmatched);
            boolean[] grown = new boolean[message.size()];
            System.arraycopy(matched, 0, grown, 0, matched.length);
            for (int i = matched.length; i < grown.length; i++) {
                grown[i] = true;
            }
            matched = grown;
        }
        OpenPlan.Closing closing = plan.close(coming, notRun);
        if (run != null) {
            run.messageClosed(closing);
        }
        sealIfComplete(); // a message with none of this installation's calls is complete at once
    }

    /** Marks the message's call this request is (the same object first, else an equal one) as arrived. */
    private int match(ToolExecutionRequest request) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < message.size(); i++) {
                ToolExecutionRequest candidate = message.get(i);
                if (!matched[i] && (pass == 0 ? candidate == request : candidate.equals(request))) {
                    matched[i] = true;
                    lastMatch = i;
                    return i;
                }
            }
        }
        return -1;
    }

    private void sealIfComplete() {
        if (message == null) {
            return;
        }
        for (boolean m : matched) {
            if (!m) {
                return;
            }
        }
        complete = true;
        if (run != null) {
            run.seal();
        }
    }

    /** @return whether calls of the message may still arrive: it is not complete, or not all of them came yet */
    boolean expectsCalls() {
        return !complete;
    }

    /**
     * Calls that streamed in at the same moment reach the library on LangChain4j's threads in either order; the
     * report lists them as the model sent them.
     *
     * @param outcomes the turn's outcomes, in arrival order
     * @return the same outcomes in the message's order
     */
    List<CallOutcome> inModelOrder(List<CallOutcome> outcomes) {
        List<CallOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt(o -> o.call().index() < positions.size()
                ? positions.get(o.call().index()) : Integer.MAX_VALUE));
        return sorted;
    }

    /** @return the message's turn, or null when none of its calls has arrived */
    StreamedTurn run() {
        return run;
    }

    @Override
    public synchronized int[] shares(Supplier<int[]> compute) {
        if (shares == null) {
            shares = compute.get();
        }
        return shares;
    }
}
