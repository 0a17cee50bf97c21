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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * invocations of one AI service never mix). When LangChain4j calls the first wrapped action of a rollback, each
 * call of that invocation reported since its last rollback is undone, in the reverse of their end times; the
 * further calls of that rollback only hand back, one by one, what their own action threw, so that LangChain4j
 * logs it as it always does.
 *
 * <p>Where that cannot hold, LangChain4j's own order stands and a warning says so, once per builder: a version of
 * LangChain4j that keeps its actions elsewhere (nothing is wrapped), an action registered on the builder without
 * {@code install}, a rolled-back call the library did not run. An action called by anyone but LangChain4j's tool
 * service (the agentic module hands them out) runs alone, as it would without the library. Streaming AI services:
 * LangChain4j (1.17 to 1.19) runs no compensating action there, with or without the library.
 *
 * <p>Thread-safe. What is kept per invocation is guarded by its own monitor, never held while an action runs, and
 * goes with the invocation (weakly keyed by its context).
 */
final class CompensationOrder {

    private static final Logger log = LoggerFactory.getLogger(CompensationOrder.class);

    /** LangChain4j's map of compensating actions by tool name; its values are replaced by {@link Action}s. */
    private final Map<String, Object> actions;
    /** Ours, by tool name. */
    private final Map<String, Action> wrapped = new HashMap<>();
    private final Cache<InvocationContext, Calls> invocations = Caffeine.newBuilder().weakKeys().build();
    private final AtomicBoolean warned = new AtomicBoolean();

    private CompensationOrder(Map<String, Object> actions) {
        this.actions = actions;
    }

    /**
     * @param service a builder's tool service
     * @return its compensation order, or null when this LangChain4j version keeps its actions elsewhere
     */
    @SuppressWarnings("unchecked")
    static CompensationOrder of(ToolService service) {
        try {
            Field field = ToolService.class.getDeclaredField("compensatingExecutors");
            field.setAccessible(true);
            return field.get(service) instanceof Map<?, ?> map ? new CompensationOrder((Map<String, Object>) map) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Cannot read the compensating actions of this LangChain4j version's ToolService", e);
            return null;
        }
    }

    /**
     * Wraps the actions LangChain4j found since the last call; while the builder is configured, before it runs.
     *
     * @return whether every action is one this order runs (false: one of a kind this version does not know)
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
                wrapped.put(entry.getKey(), ours);
                entry.setValue(ours);
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
     * A call of a tool with an action finished well; when its executor returns a success it becomes compensable.
     *
     * @param endNanos its end, on the scheduler's ticker (comparable across the turns of one installation)
     */
    void finished(ToolExecutionRequest request, InvocationContext context, long endNanos) {
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

    private void warnOnce(String message) {
        if (warned.compareAndSet(false, true)) {
            log.warn(message);
        }
    }

    private void warnNotOurs(String tool) {
        warnOnce("A rolled-back call of tool '" + tool + "' did not run through langchain4j-parallel: its compensating"
                + " action runs in LangChain4j's order (the reverse of the model's), not in the reverse of the order"
                + " in which the calls finished");
    }

    /** What LangChain4j will roll back for one invocation, and what was rolled back already in its current pass. */
    private static final class Calls {
        final Map<ToolExecutionRequest, Long> ends = new IdentityHashMap<>();
        List<Compensable> compensable = new ArrayList<>();
        final List<Undone> undone = new ArrayList<>();

        /** @return the position of the request (the same object, else an equal one), or -1 */
        static <T> int find(List<T> list, Function<T, ToolExecutionRequest> request,
                ToolExecutionRequest wanted) {
            for (int i = 0; i < list.size(); i++) {
                if (request.apply(list.get(i)) == wanted) {
                    return i;
                }
            }
            for (int i = 0; i < list.size(); i++) {
                if (request.apply(list.get(i)).equals(wanted)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private record Compensable(ToolExecutionRequest request, ToolExecutionResult result, long endNanos) {}

    /** A call undone by the library in the current pass, and what its action threw (null: nothing). */
    private record Undone(ToolExecutionRequest request, Exception failure) {}

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
            if (!calledByToolService()) {
                runAlone(execution, context);
                return;
            }
            Calls calls = context == null ? null : invocations.getIfPresent(context);
            if (calls == null) {
                warnNotOurs(tool);
                runAlone(execution, context);
                return;
            }
            ToolExecutionRequest request = execution.request();
            List<Compensable> pass = null;
            synchronized (calls) {
                if (Calls.find(calls.undone, Undone::request, request) < 0) {
                    if (Calls.find(calls.compensable, Compensable::request, request) < 0) {
                        pass = List.of();
                    } else {
                        pass = calls.compensable;
                        calls.compensable = new ArrayList<>();
                    }
                }
            }
            if (pass != null && pass.isEmpty()) {
                warnNotOurs(tool);
                runAlone(execution, context);
                return;
            }
            if (pass != null) {
                List<Undone> undone = undo(pass, execution, context);
                synchronized (calls) {
                    calls.undone.addAll(undone);
                }
            }
            Exception failure;
            synchronized (calls) {
                int i = Calls.find(calls.undone, Undone::request, request);
                failure = i < 0 ? null : calls.undone.remove(i).failure();
            }
            if (failure != null) {
                throw CompensationOrder.<RuntimeException>sneaky(failure); // LangChain4j logs it, naming this tool
            }
        }

        /** Runs the pass's actions, the call that ended last first; an action that throws does not stop the rest. */
        private List<Undone> undo(List<Compensable> pass, ToolExecution asked, InvocationContext context) {
            if (actions.values().stream().anyMatch(a -> !(a instanceof Action))) {
                warnOnce("Some compensating actions of this AI service were registered on the builder without"
                        + " ParallelTools.install: LangChain4j runs them in its own order (the reverse of the model's),"
                        + " not in the reverse of the order in which the calls finished");
            }
            List<Compensable> order = new ArrayList<>(pass);
            Collections.reverse(order); // a tie (one ticker value): the call reported later is undone first
            order.sort(Comparator.comparingLong(Compensable::endNanos).reversed());
            List<Undone> undone = new ArrayList<>(order.size());
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
                undone.add(new Undone(call.request(), failure));
            }
            return undone;
        }

        @Override
        public String toString() {
            return "CompensationOrder.Action[" + tool + "]";
        }
    }

    /** Whether the caller of the action is LangChain4j's tool service rolling back a batch. */
    private static boolean calledByToolService() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.dropWhile(f -> f.getDeclaringClass() == CompensationOrder.class
                                || f.getDeclaringClass() == Action.class)
                        .findFirst()
                        .map(f -> f.getDeclaringClass() == ToolService.class)
                        .orElse(false));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
