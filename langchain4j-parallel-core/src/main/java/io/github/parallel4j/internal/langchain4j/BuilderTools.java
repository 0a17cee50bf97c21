package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.CompensateFor;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServiceContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.TurnRun;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code AiServices} builder's tools as LangChain4j keeps them (its {@link ToolService}): where tool objects
 * are registered, their {@code @CompensateFor} actions found, and the error handlers the user configured read.
 *
 * <p>Why reach for it: LangChain4j finds and validates {@code @CompensateFor} actions only for objects registered
 * with {@code tools(Object...)}, and runs them only for tools it registered so; and it offers no getter for the
 * builder's context, nor for whether the user set a handler. So an object is registered exactly as
 * {@code tools(...)} would register it, and then the library's executor is put in place of each of its tools'
 * executors: compensation, chat-memory rewriting and validation stay LangChain4j's own, except for the order of a
 * rollback, which {@link CompensationOrder} makes the reverse of the order in which the calls finished. The context
 * is a protected field of {@code AiServices}, read once per builder; on a version without it, compensation is
 * refused at install with a message and only {@link ToolErrorHandling#LANGCHAIN4J_HANDLERS} hands errors to
 * handlers.
 */
final class BuilderTools {

    private static final Logger log = LoggerFactory.getLogger(BuilderTools.class);
    private static final ToolService PRISTINE = new ToolService();

    private final ToolService service;
    private final ToolErrorHandling handling;
    /** The tools a registered object declares a {@code @CompensateFor} action for. */
    private final Set<String> compensated = ConcurrentHashMap.newKeySet();
    /** Orders rollbacks by completion; null without a service, or on a version that keeps its actions elsewhere. */
    private final CompensationOrder order;
    /** The tools whose action {@link #order} runs: their calls report their end times. */
    private volatile Set<String> ordered = Set.of();

    /** Why {@link #order} is null on a readable builder; warned about when an object declares an action. */
    private volatile String unordered;

    private BuilderTools(ToolService service, ToolErrorHandling handling) {
        this.service = service;
        this.handling = handling;
        this.order = service == null ? null : CompensationOrder.of(service, why -> unordered = why);
    }

    /** @return the tools of no builder: objects are registered as wrapped tools, handlers follow {@code handling} */
    static BuilderTools none(ToolErrorHandling handling) {
        return new BuilderTools(null, handling);
    }

    /**
     * @param builder an AI service builder
     * @param handling who handles tool errors, as configured on {@code ParallelTools}
     * @return its tools; {@link #readable()} is false when this LangChain4j version keeps them elsewhere
     */
    static BuilderTools of(AiServices<?> builder, ToolErrorHandling handling) {
        AiServiceContext context = AiServiceConfig.contextOf(builder);
        if (context == null) {
            return none(handling);
        }
        BuilderTools tools = new BuilderTools(context.toolService, handling);
        if (tools.order != null) {
            ToolLoopRuns.listenOn(builder, tools.order);
        }
        return tools;
    }

    boolean readable() {
        return service != null;
    }

    /**
     * Registers a tool object as {@code builder.tools(toolObject)} does, then swaps in the wrapped executors (and
     * specifications: a description may say how the tool is scheduled).
     *
     * @param wrapped the object's tools as the library wraps them
     * @throws IllegalArgumentException when the object declares {@code @CompensateFor} and the builder's tools
     *     cannot be read
     */
    void register(AiServices<?> builder, Object toolObject, List<AiServiceTool> wrapped) {
        if (service == null) {
            if (declaresCompensation(toolObject.getClass())) {
                throw new IllegalArgumentException(toolObject.getClass().getName() + " declares @CompensateFor, which"
                        + " install supports only on a builder whose tools it can read (LangChain4j 1.19's"
                        + " AiServices); register it with builder.tools(...) instead, or drop the annotation");
            }
            builder.tools(wrapped);
            return;
        }
        builder.tools(List.<Object>of(toolObject));
        Set<String> declared = compensatedTools(toolObject.getClass());
        compensated.addAll(declared);
        Map<String, ToolExecutor> executors = service.toolExecutors();
        List<ToolSpecification> specifications = service.toolSpecifications();
        for (AiServiceTool tool : wrapped) {
            executors.put(tool.name(), tool.toolExecutor());
            for (int i = specifications.size() - 1; i >= 0; i--) {
                if (specifications.get(i).name().equals(tool.name())) {
                    specifications.set(i, tool.toolSpecification());
                    break;
                }
            }
        }
        orderRollbacks(executors, !declared.isEmpty());
    }

    /**
     * Wraps the compensating actions LangChain4j has found so far, and makes the executors of their tools report
     * what they return (an action may name a tool of an object registered earlier); or, on a LangChain4j version
     * whose actions cannot be wrapped, says once that rollbacks follow LangChain4j's order.
     */
    private void orderRollbacks(Map<String, ToolExecutor> executors, boolean declares) {
        boolean wrapped = order != null && order.wrapNew();
        if (order == null || !wrapped) {
            String why = unordered;
            if (declares && order == null && why != null) {
                unordered = null; // once
                log.warn(why);
            } else if (declares && order != null) {
                log.warn("This LangChain4j version keeps compensating actions of a kind langchain4j-parallel cannot"
                        + " order, or in a map it cannot change: a rollback runs them in LangChain4j's order (the"
                        + " reverse of the model's), not the reverse of the order in which the calls finished");
            }
            if (order == null) {
                return;
            }
        }
        Set<String> tools = order.tools();
        for (String tool : tools) {
            if (executors.get(tool) instanceof MethodToolExecutor executor) {
                executors.put(tool, executor.reportingTo(order));
            }
        }
        ordered = tools;
    }

    /**
     * A call ended: when it went well and its tool has a compensating action, its end time is kept for the order
     * of a rollback.
     *
     * @param run its turn, or null when it was refused
     */
    void finished(ToolExecutionRequest request, InvocationContext context, TurnRun run, CallOutcome outcome) {
        if (order == null || !outcome.ok()) {
            return;
        }
        order.checkWrapped(); // an action put on the builder after install is never ordered: say so before a rollback
        if (run != null && context != null && ordered.contains(request.name())) {
            order.finished(request, context, run.originNanos() + outcome.endNanos());
        }
    }

    private static boolean declaresCompensation(Class<?> type) {
        return !compensatedTools(type).isEmpty();
    }

    private static Set<String> compensatedTools(Class<?> type) {
        Set<String> tools = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                CompensateFor annotation = method.getAnnotation(CompensateFor.class);
                if (annotation != null) {
                    tools.add(annotation.value());
                }
            }
        }
        return tools;
    }

    /**
     * @param tool a tool's name
     * @return whether LangChain4j may run a compensating action for it: then it runs that action with the
     *     arguments as the model sent them, not as the library resolved them
     */
    boolean compensates(String tool) {
        return compensated.contains(tool);
    }

    /** @return whether LangChain4j's arguments handler judges bad arguments (then its executor must see them) */
    boolean argumentErrorsToHandler() {
        return handling == ToolErrorHandling.LANGCHAIN4J_HANDLERS
                || service != null && service.argumentsErrorHandler() != PRISTINE.argumentsErrorHandler();
    }

    /** @return whether LangChain4j's execution handler turns a tool's exception into what the model sees */
    boolean executionErrorsToHandler() {
        return handling == ToolErrorHandling.LANGCHAIN4J_HANDLERS
                || service != null && service.executionErrorHandler() != PRISTINE.executionErrorHandler();
    }

    /** @return whether a failed call goes to LangChain4j's handlers, which must see it as soon as its call ends */
    boolean handsOverFailures() {
        return argumentErrorsToHandler() || executionErrorsToHandler();
    }

    /**
     * Gives a failed call to LangChain4j's handlers, as LangChain4j's own executor would have: its
     * {@code ToolArgumentsErrorHandler} gets the executor's {@link ToolArgumentsException}, its
     * {@code ToolExecutionErrorHandler} the tool's exception. Always with
     * {@link ToolErrorHandling#LANGCHAIN4J_HANDLERS}; otherwise when the user set that handler on the builder, so
     * that it is never silently ignored.
     */
    void handOver(CallOutcome outcome) {
        if (outcome.ok()) {
            return;
        }
        if (outcome.errorCode() == ErrorCode.INVALID_ARGUMENTS && outcome.cause() instanceof ToolArgumentsException e
                && argumentErrorsToHandler()) {
            throw e;
        }
        if (outcome.errorCode() == ErrorCode.TOOL_ERROR && outcome.cause() != null && executionErrorsToHandler()) {
            throw new ToolExecutionException(outcome.cause());
        }
    }
}
