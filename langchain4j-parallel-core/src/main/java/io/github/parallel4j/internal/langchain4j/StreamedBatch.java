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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of one AI message that streams in while LangChain4j runs its tools at once
 * ({@code executeToolsConcurrently()} with a {@code StreamingChatModel}): LangChain4j hands each call to its executor
 * the moment the call is complete, before the message is. Each call joins the message's one turn as it arrives
 * ({@link OpenPlan}), and starts as soon as what it waits for allows. The complete response closes the batch: the calls
 * that have not reached a wrapped executor by then join in the model's order, and the turn is sealed.
 *
 * <p>Thread-safe: this object's monitor orders the arrivals, so that the plan and the turn see them in the same order.
 * The turn is started (the user's turn observers run) and sealed (its end, and the user's turn listeners, may follow)
 * outside it. Nothing holding the invocation state's monitor takes it: {@link #expectsCalls()} and {@link #run()}
 * read volatile fields.
 */
final class StreamedBatch implements TurnShares {

    private static final Logger log = LoggerFactory.getLogger(StreamedBatch.class);

    private final OpenPlan plan;
    /** The message as the streaming model delivered it (the model's order of its calls), or null when unseen. */
    private final StreamedMessage source;
    /** Whether a tool is one of this installation's (LangChain4j hands its calls to a wrapped executor). */
    private final Predicate<String> ours;
    /**
     * Starts the message's turn with the plan before its first call; called once, at the first arrival (or at the
     * close), and registers it with its invocation before any call of it can start.
     */
    private final BiFunction<Plan, StreamedBatch, StreamedTurn> start;

    /** Set once, by the first caller of {@link #started()}. */
    private volatile StreamedTurn run;
    private final AtomicBoolean starting = new AtomicBoolean();
    private final CompletableFuture<StreamedTurn> turn = new CompletableFuture<>();
    /** Whether the complete response closed the batch: each of its calls of this installation's tools has a place. */
    private volatile boolean complete;
    /** Once closed: how many of the message's calls no wrapped executor has come for yet. */
    private volatile int unclaimed;

    // Guarded by this.
    /** The calls in the turn, in its order: each as it arrived, or as an earlier call of the model's order. */
    private final List<ToolExecutionRequest> arrived = new ArrayList<>();
    /** For each of {@link #arrived}, whether a wrapped executor has come for it. */
    private final List<Boolean> came = new ArrayList<>();
    /** The message's calls to this installation's tools, once the complete response came; null until then. */
    private List<ToolExecutionRequest> message;
    /** Which of the message's calls have a place in the turn. */
    private boolean[] matched;
    /** For each of the message's calls, its place in the turn, once closed. */
    private int[] planned;
    /** Which of the message's calls a wrapped executor has come for. */
    private boolean[] claimed;
    /** For each arrived call, its position in the complete message (once known); read without the monitor. */
    private final List<Integer> positions = new CopyOnWriteArrayList<>();
    private int[] shares;

    StreamedBatch(OpenPlan plan, StreamedMessage source, Predicate<String> ours,
            BiFunction<Plan, StreamedBatch, StreamedTurn> start) {
        this.plan = plan;
        this.source = source;
        this.ours = ours;
        this.start = start;
    }

    /** @return whether this is the batch of the message given (null: a message the library could not see stream) */
    boolean of(StreamedMessage message) {
        return source == message;
    }

    /** A call's place in the message's turn. */
    record Joined(StreamedTurn run, int index) {}

    /**
     * Adds a call that arrived at a wrapped executor; once the message is closed, finds the place it was given then.
     * The turn takes the message's calls in the model's order, whatever order LangChain4j's threads reach the library
     * in: a call arriving first adds, before itself, each call the model completed before it that is not in the turn
     * yet (their executors, coming later, find their places), so that conflicts and references point the model's way.
     *
     * @return its place, or null when the message is complete and this is none of its calls (a new message's)
     */
    Joined join(ToolExecutionRequest request) {
        if (!complete || turn.isCompletedExceptionally()) {
            started(); // outside the monitor: the user's turn observers run as the turn starts; throws if it failed
        }
        return joinStarted(request);
    }

    private synchronized Joined joinStarted(ToolExecutionRequest request) {
        if (message != null) {
            int position = claimPlanned(request);
            return position < 0 ? null : new Joined(run, planned[position]);
        }
        int already = indexOf(request);
        if (already >= 0) { // added when a call after it in the model's order arrived first
            came.set(already, true);
            return new Joined(run, already);
        }
        if (source != null) {
            for (ToolExecutionRequest earlier : source.announcedBefore(request)) {
                if (ours.test(earlier.name()) && indexOf(earlier) < 0) {
                    add(earlier, false);
                }
            }
        }
        return new Joined(run, add(request, true));
    }

    /** Adds a call to the plan and the turn, next; @return its place. */
    private int add(ToolExecutionRequest request, boolean executorCame) {
        arrived.add(request);
        came.add(executorCame);
        positions.add(-1);
        OpenPlan.Arrival arrival = plan.add(new CallRequest(request.id(), request.name(), request.arguments()));
        run.add(arrival);
        return arrival.call().index();
    }

    /** @return the place of the very request in the turn, or -1 */
    private int indexOf(ToolExecutionRequest request) {
        for (int i = 0; i < arrived.size(); i++) {
            if (arrived.get(i) == request) {
                return i;
            }
        }
        return -1;
    }

    /** Starts the message's turn if no caller has yet (the others wait for it); @return the turn */
    private StreamedTurn started() {
        if (starting.compareAndSet(false, true)) {
            try {
                run = start.apply(plan.snapshot(), this);
                turn.complete(run);
            } catch (RuntimeException | Error e) {
                turn.completeExceptionally(e); // each call of the message fails as this one does
                throw e;
            }
        }
        return turn.join();
    }

    /**
     * The complete response came: the message's calls to this installation's tools are known. Those that have not
     * reached a wrapped executor yet are added to the turn now, in the model's order (so that conflicts among them, and
     * with the calls that came, keep it), and the turn is sealed: its end no longer waits for LangChain4j's threads.
     * A late executor then finds its call's place ({@link #join}) and waits for its outcome.
     *
     * @param ours those calls, in the model's order
     * @param notRun the message's other calls, by id, with their tools' names
     */
    void close(List<ToolExecutionRequest> ours, Map<String, String> notRun) {
        if (!complete && !ours.isEmpty()) {
            try {
                started();
            } catch (RuntimeException | Error e) {
                // No call had joined (the first would have started the turn). The batch is over: each call of it that
                // comes fails as the start did (join), and nothing waits for them.
                log.warn("The turn of a streamed message could not start; its calls fail", e);
                unclaimed = 0;
                complete = true;
                return;
            }
        }
        StreamedTurn sealing = closeStarted(ours, notRun);
        if (sealing != null) {
            sealing.seal(); // outside the monitor: the turn may end now, and its listeners run
        }
    }

    /** @return the turn to seal, when this closed the batch */
    private synchronized StreamedTurn closeStarted(List<ToolExecutionRequest> ours, Map<String, String> notRun) {
        if (message != null) {
            return null;
        }
        message = List.copyOf(ours);
        matched = new boolean[message.size()];
        planned = new int[message.size()];
        claimed = new boolean[message.size()];
        for (int a = 0; a < arrived.size(); a++) {
            int position = match(arrived.get(a));
            positions.set(a, position < 0 ? Integer.MAX_VALUE : position);
            if (position >= 0) {
                planned[position] = a;
                claimed[position] = came.get(a);
            }
        }
        // An arrival that is none of the message's calls is not expected (LangChain4j hands over the message's
        // calls); it stays in the turn, and the message's calls are matched by identity, equality or id.
        Set<String> coming = new HashSet<>();
        for (int i = 0; i < message.size(); i++) {
            if (!matched[i] && message.get(i).id() != null) {
                coming.add(message.get(i).id());
            }
        }
        OpenPlan.Closing closing = plan.close(coming, notRun);
        if (run != null) {
            run.messageClosed(closing);
        }
        for (int i = 0; i < message.size(); i++) {
            if (matched[i]) {
                continue;
            }
            ToolExecutionRequest request = message.get(i);
            OpenPlan.Arrival arrival = plan.add(new CallRequest(request.id(), request.name(), request.arguments()));
            run.add(arrival);
            planned[i] = arrival.call().index();
            positions.add(i);
            matched[i] = true;
        }
        int waiting = 0;
        for (boolean c : claimed) {
            waiting += c ? 0 : 1;
        }
        unclaimed = waiting;
        complete = true;
        return run;
    }

    /** @return whether the complete response has closed this batch */
    boolean closed() {
        return complete;
    }

    /** Marks the message's call this request is (the same object first, else an equal one, else the same id). */
    private int match(ToolExecutionRequest request) {
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < message.size(); i++) {
                ToolExecutionRequest candidate = message.get(i);
                if (!matched[i] && same(pass, candidate, request)) {
                    matched[i] = true;
                    return i;
                }
            }
        }
        return -1;
    }

    /** Finds the place given at close to a call that reached its executor afterwards, and claims it. */
    private int claimPlanned(ToolExecutionRequest request) {
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < message.size(); i++) {
                if (!claimed[i] && same(pass, message.get(i), request)) {
                    claimed[i] = true;
                    unclaimed--;
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean same(int pass, ToolExecutionRequest candidate, ToolExecutionRequest request) {
        return switch (pass) {
            case 0 -> candidate == request;
            case 1 -> candidate.equals(request);
            default -> candidate.id() != null && candidate.id().equals(request.id())
                    && String.valueOf(candidate.name()).equals(request.name());
        };
    }

    /**
     * @return whether calls of the message may still come: the complete response has not come, or a wrapped executor
     *     has yet to come for one of its calls (its state must stay so that it finds its place)
     */
    boolean expectsCalls() {
        return !complete || unclaimed > 0;
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
