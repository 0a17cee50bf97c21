package io.github.parallel4j.internal.langchain4j;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolService;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls back in the reverse of the order in which the calls finished, not of the order the model asked for them.
 *
 * <p>What rollback means when the calls ran in parallel: LangChain4j, once a call of a batch failed and
 * {@code compensateOnToolErrors(true)} is set, runs the compensating action of every call that succeeded since
 * its last rollback, last first, on the thread of the AI service, then rewrites the chat memory. Its "last" is the
 * model's order; the library ran the calls at once, so the call that finished last is undone first: the order is
 * the reverse of the calls' end times, which the scheduler records for every call.
 * A call that never started (cancelled, refused, a failed dependency) or failed has nothing to undo; LangChain4j
 * does not list it, and neither does this. Everything else is LangChain4j's: which actions exist and whether they
 * are valid, which calls are compensable, the rewriting of the chat memory, and the warning it logs when an action
 * fails (the others still run).
 *
 * <p>How: LangChain4j keeps a builder's actions in a private map of its {@code ToolService}, and calls them one by
 * one. Each is wrapped here. The library's executors of tools with an action report each call that LangChain4j
 * will see as a success, with its end time, under the AI service invocation ({@link InvocationContext}, so two
 * invocations of one AI service never mix), and only while LangChain4j's {@code compensateOnToolErrors} is on.
 * LangChain4j's list of calls to undo lives for one run of its tool loop, and an invocation may have several (an
 * output guardrail's reprompt starts another with the same context): {@link #runEnded} drops the reports when a run
 * ends, so that the two sets are the same. When LangChain4j calls the first wrapped action of a rollback, that
 * action claims every call reported in the run since its last rollback and undoes them, in the reverse of their end
 * times; the further calls of that rollback only hand back, one by one, what their own action threw, so that
 * LangChain4j logs it as it always does.
 *
 * <p>Where that cannot hold, LangChain4j's own order stands and a warning says so, once per builder and cause: a
 * version of LangChain4j that keeps its actions elsewhere (nothing is wrapped, the warning names why), an action
 * registered on the builder without {@code install}, a rolled-back call the library did not run, an action called
 * while its call is due for undoing by anyone but LangChain4j's tool service. An action called by anyone else (the
 * agentic module hands them out) runs alone, as it would without the library. Streaming AI services: LangChain4j
 * (1.17 to 1.19) compensates only in the tool loop of an output guardrail's reprompt, which is ordered here too; the
 * main streamed loop never compensates, and its calls' reports are dropped when it ends.
 *
 * <p>Thread-safe: two calls of actions of one rollback at once still undo each call once. What is kept per
 * invocation is guarded by its own monitor, never held while an action runs, and goes with the run of the tool loop
 * (and with the invocation: weakly keyed by its context).
 */
final class CompensationOrder {

    private static final Logger log = LoggerFactory.getLogger(CompensationOrder.class);

    /** Why LangChain4j's own order may come back: each is warned about once per builder. */
    enum Fallback { NOT_OURS, UNWRAPPED, OTHER_CALLER }

    /** LangChain4j's map of compensating actions by tool name; its values are replaced by {@link Action}s. */
    private final Map<String, Object> actions;
    private final ToolService service;
    /** LangChain4j's private {@code compensateOnToolErrors} flag, or null when it cannot be read. */
    private final Field enabled;
    private final Map<String, Action> wrapped = new HashMap<>(); // ours, by tool name
    private final Cache<InvocationContext, Calls> invocations = Caffeine.newBuilder().weakKeys().build();
    private final Set<Fallback> warned = ConcurrentHashMap.newKeySet();

    private CompensationOrder(Map<String, Object> actions, ToolService service, Field enabled) {
        this.actions = actions;
        this.service = service;
        this.enabled = enabled;
    }

    /** @return the order of a builder's tool service, or null (and {@code unavailable} told why) */
    static CompensationOrder of(ToolService service, Consumer<String> unavailable) {
        return of(service, "compensatingExecutors", unavailable);
    }

    @SuppressWarnings("unchecked")
    static CompensationOrder of(ToolService service, String field, Consumer<String> unavailable) {
        Object map;
        try {
            Field actions = ToolService.class.getDeclaredField(field);
            actions.setAccessible(true);
            map = actions.get(service);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // On the module path: InaccessibleObjectException, fixed by opening the package to us.
            unavailable.accept("langchain4j-parallel cannot read the compensating actions of LangChain4j's"
                    + " ToolService (" + e + "): a rollback runs them in LangChain4j's order (the reverse of the"
                    + " model's), not the reverse of the order in which the calls finished. On the module path, add"
                    + " --add-opens dev.langchain4j/dev.langchain4j.service.tool=<langchain4j-parallel-core's module>");
            return null;
        }
        if (!(map instanceof Map<?, ?>)) {
            unavailable.accept("LangChain4j's ToolService keeps its compensating actions in "
                    + (map == null ? "null" : "a " + map.getClass().getName()) + ", not a map langchain4j-parallel"
                    + " can order: a rollback runs them in LangChain4j's order (the reverse of the model's)");
            return null;
        }
        Field enabled;
        try {
            enabled = ToolService.class.getDeclaredField("compensateOnToolErrors");
            enabled.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            enabled = null; // then calls are recorded as if it were on; a rollback still needs them
        }
        return new CompensationOrder((Map<String, Object>) map, service, enabled);
    }

    /**
     * Wraps the actions LangChain4j found since the last call; while the builder is configured, before it runs.
     *
     * @return whether every action is one this order runs (false: one of a kind this version does not know, or a
     *     map that cannot be changed)
     */
    synchronized boolean wrapNew() {
        boolean all = true;
        for (Map.Entry<String, Object> entry : actions.entrySet()) {
            Object action = entry.getValue();
            if (action instanceof Action) {
                continue;
            }
            if (action instanceof Consumer<?> || action instanceof BiConsumer<?, ?>) {
                Action ours = new Action(entry.getKey(), action);
                try {
                    entry.setValue(ours);
                } catch (UnsupportedOperationException e) {
                    return false; // a map LangChain4j made unmodifiable: its order stands, BuilderTools says so
                }
                wrapped.put(entry.getKey(), ours);
            } else {
                all = false;
            }
        }
        return all;
    }

    /** @return the tools that have a compensating action this order runs */
    synchronized Set<String> tools() {
        return Set.copyOf(wrapped.keySet());
    }

    /**
     * Warns, once, when an action was put on the builder without {@code install} (after it): such an action runs
     * in LangChain4j's order. Checked at each call the library runs, so before any rollback that could need it.
     */
    void checkWrapped() {
        if (warned.contains(Fallback.UNWRAPPED)) {
            return;
        }
        boolean unwrapped = false;
        synchronized (this) { // a loop, not a stream: this runs at every call the library runs
            for (Object action : actions.values()) {
                unwrapped |= !(action instanceof Action);
            }
        }
        if (unwrapped) {
            warnOnce(Fallback.UNWRAPPED, "Some compensating actions of this AI service were registered on the builder"
                    + " without ParallelTools.install (or after it): LangChain4j runs them in its own order (the"
                    + " reverse of the model's), not in the reverse of the order in which the calls finished");
        }
    }

    /** @return whether LangChain4j will compensate (its flag, read each time: it may be set after install) */
    private boolean compensating() {
        try {
            return enabled == null || enabled.getBoolean(service);
        } catch (IllegalAccessException | RuntimeException e) {
            return true;
        }
    }

    /**
     * A call of a tool with an action finished well; when its executor returns a success it becomes compensable.
     *
     * @param endNanos its end, on the scheduler's ticker (comparable across the turns of one installation)
     */
    void finished(ToolExecutionRequest request, InvocationContext context, long endNanos) {
        if (!compensating()) {
            return; // LangChain4j keeps no list then: nothing to order
        }
        Calls calls = invocations.get(context, c -> new Calls());
        synchronized (calls) {
            calls.ends.put(request, endNanos);
        }
    }

    /** The executor of a tool with an action returns this to LangChain4j, which compensates it if not an error. */
    void returned(ToolExecutionRequest request, InvocationContext context, ToolExecutionResult result) {
        Calls calls = invocations.getIfPresent(context);
        if (calls == null) {
            return;
        }
        synchronized (calls) {
            Long end = calls.ends.remove(request);
            if (end != null && !result.isError()) {
                calls.compensable.add(new Compensable(request, result, end));
            }
        }
    }

    /**
     * A run of LangChain4j's tool loop ended (its model answered without tool calls, it returned at once, or the
     * invocation ended), or a new one begins (an output guardrail's reprompt): LangChain4j's list of calls to undo
     * starts empty in each run, and so does this.
     */
    void runEnded(InvocationContext context) {
        if (context != null) {
            invocations.invalidate(context);
        }
    }

    private void warnOnce(Fallback cause, String message) {
        if (warned.add(cause)) {
            log.warn(message);
        }
    }

    private void warnNotOurs(String tool) {
        warnOnce(Fallback.NOT_OURS, "A rolled-back call of tool '" + tool + "' did not run through"
                + " langchain4j-parallel: its compensating action runs in LangChain4j's order (the reverse of the"
                + " model's), not in the reverse of the order in which the calls finished");
    }

    /** What LangChain4j will roll back in the current run of its tool loop for one invocation. */
    private static final class Calls {
        final Map<ToolExecutionRequest, Long> ends = new IdentityHashMap<>();
        List<Compensable> compensable = new ArrayList<>();
        /** The calls of a pass claimed by its first action and not yet asked for: what each one's action did. */
        final Map<ToolExecutionRequest, CompletableFuture<Undo>> claimed = new IdentityHashMap<>();

        synchronized boolean isCompensable(ToolExecutionRequest request) {
            return compensable.stream().anyMatch(c -> c.request() == request);
        }
    }

    private record Compensable(ToolExecutionRequest request, ToolExecutionResult result, long endNanos) {}

    /** A claimed call's undoing: whether its action ran, what it threw (null: nothing). */
    private record Undo(boolean ran, Exception failure) {
        static final Undo NOT_RUN = new Undo(false, null);
    }

    /**
     * One of LangChain4j's compensating actions, as LangChain4j calls it: a {@link Consumer} of the execution in
     * 1.19, a {@link BiConsumer} of it and the invocation's context in 1.17 and 1.18.
     */
    final class Action implements Consumer<ToolExecution>, BiConsumer<ToolExecution, InvocationContext> {

        private final String tool;
        private final Object action;

        private Action(String tool, Object action) {
            this.tool = tool;
            this.action = action;
        }

        @Override
        public void accept(ToolExecution execution) {
            compensate(execution, execution.invocationContext());
        }

        @Override
        public void accept(ToolExecution execution, InvocationContext context) {
            compensate(execution, context != null ? context : execution.invocationContext());
        }

        @SuppressWarnings("unchecked")
        private void runAlone(ToolExecution execution, InvocationContext context) {
            if (action instanceof Consumer<?> consumer) {
                ((Consumer<ToolExecution>) consumer).accept(execution);
            } else {
                ((BiConsumer<ToolExecution, InvocationContext>) action).accept(execution, context);
            }
        }

        private void compensate(ToolExecution execution, InvocationContext context) {
            Calls calls = context == null ? null : invocations.getIfPresent(context);
            ToolExecutionRequest request = execution.request();
            StackWalker.StackFrame caller = caller();
            if (!calledByToolService(caller)) {
                // A rollback by a caller not recognised, or a handed-out action used while its call is due.
                if (calls != null && calls.isCompensable(request)) {
                    String who = caller == null ? "an unknown caller"
                            : caller.getClassName() + "." + caller.getMethodName();
                    warnOnce(Fallback.OTHER_CALLER, "The compensating action of tool '" + tool + "' was called by "
                            + who + ", not by LangChain4j's ToolService: it runs alone; should that be a rollback, its"
                            + " actions run in the caller's order, not in the reverse of the order the calls finished");
                }
                runAlone(execution, context);
                return;
            }
            if (calls == null) {
                warnNotOurs(tool);
                runAlone(execution, context);
                return;
            }
            List<Compensable> pass = null;
            Map<ToolExecutionRequest, CompletableFuture<Undo>> claims = null;
            CompletableFuture<Undo> mine;
            synchronized (calls) {
                mine = calls.claimed.remove(request);
                if (mine == null && calls.isCompensable(request)) {
                    // The first action of a rollback claims every call of the pass at once, so that no other call
                    // of an action, however soon, undoes one again.
                    pass = calls.compensable;
                    calls.compensable = new ArrayList<>();
                    claims = new IdentityHashMap<>();
                    for (Compensable call : pass) {
                        claims.put(call.request(), new CompletableFuture<>());
                    }
                    calls.claimed.putAll(claims);
                    mine = calls.claimed.remove(request);
                }
            }
            if (mine == null) {
                warnNotOurs(tool);
                runAlone(execution, context);
                return;
            }
            if (pass != null) {
                undo(pass, claims, execution, context);
            }
            Undo undo = mine.join();
            if (!undo.ran()) {
                runAlone(execution, context); // an Error stopped the pass before this call's turn
            } else if (undo.failure() != null) {
                // LangChain4j logs it, naming this tool.
                throw CompensationOrder.<RuntimeException>sneaky(undo.failure());
            }
        }

        /** Runs the pass's actions, the call that ended last first; an action that throws does not stop the rest. */
        private void undo(List<Compensable> pass, Map<ToolExecutionRequest, CompletableFuture<Undo>> claims,
                ToolExecution asked, InvocationContext context) {
            List<Compensable> order = new ArrayList<>(pass);
            Collections.reverse(order); // a tie (one ticker value): the call reported later is undone first
            order.sort(Comparator.comparingLong(Compensable::endNanos).reversed());
            try {
                for (Compensable call : order) {
                    Action action;
                    synchronized (CompensationOrder.this) {
                        action = wrapped.get(call.request().name());
                    }
                    if (action == null) {
                        continue; // only calls of tools with an action of ours are reported
                    }
                    ToolExecution execution = call.request() == asked.request() ? asked : ToolExecution.builder()
                            .request(call.request())
                            .result(call.result())
                            .invocationContext(context)
                            .build();
                    Exception failure = null;
                    try {
                        action.runAlone(execution, context);
                    } catch (Exception e) {
                        failure = e;
                    }
                    claims.get(call.request()).complete(new Undo(true, failure));
                }
            } finally {
                claims.values().forEach(claim -> claim.complete(Undo.NOT_RUN)); // after an Error: not undone
            }
        }

        @Override
        public String toString() {
            return "CompensationOrder.Action[" + tool + "]";
        }
    }

    /** @return the first frame outside this class: who called the action */
    private static StackWalker.StackFrame caller() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.dropWhile(f -> f.getDeclaringClass() == CompensationOrder.class
                                || f.getDeclaringClass() == Action.class)
                        .findFirst()
                        .orElse(null));
    }

    /** Whether the caller is LangChain4j's tool service (or a subclass of it) rolling back a batch. */
    private static boolean calledByToolService(StackWalker.StackFrame caller) {
        return caller != null && ToolService.class.isAssignableFrom(caller.getDeclaringClass());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
