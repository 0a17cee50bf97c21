package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.lang.reflect.Method;

/**
 * The library's executor for a {@code @Tool} method. It is a {@link DefaultToolExecutor} only so that LangChain4j
 * still sees the tool as the {@code @Tool} method it is: {@code @CompensateFor} on an object registered later
 * looks its tool up and asks for its {@link #originalMethod()}. It never runs the method itself: every call goes
 * to the turn its batch belongs to. For a tool with a compensating action, it tells the {@link CompensationOrder}
 * what it returns, which LangChain4j compensates when it is not an error.
 */
final class MethodToolExecutor extends DefaultToolExecutor {

    private final Object object;
    private final Method method;
    private final ParallelToolExecutor delegate;
    /** Told what each call returns, for a tool with a compensating action; else null. */
    private final CompensationOrder compensation;

    MethodToolExecutor(Object object, Method method, ParallelToolExecutor delegate) {
        this(object, method, delegate, null);
    }

    private MethodToolExecutor(Object object, Method method, ParallelToolExecutor delegate,
            CompensationOrder compensation) {
        super(object, method);
        this.object = object;
        this.method = method;
        this.delegate = delegate;
        this.compensation = compensation;
    }

    /** @return this executor, telling the order what each call returns */
    MethodToolExecutor reportingTo(CompensationOrder order) {
        return compensation == order ? this : new MethodToolExecutor(object, method, delegate, order);
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        ToolExecutionResult result = delegate.executeWithContext(request, context);
        if (compensation != null && context != null && result != null) {
            compensation.returned(request, context, result);
        }
        return result;
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
        return delegate.execute(request, memoryId);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
