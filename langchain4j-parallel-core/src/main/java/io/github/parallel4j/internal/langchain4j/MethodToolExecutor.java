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
 * to the turn its batch belongs to.
 */
final class MethodToolExecutor extends DefaultToolExecutor {

    private final ParallelToolExecutor delegate;

    MethodToolExecutor(Object object, Method method, ParallelToolExecutor delegate) {
        super(object, method);
        this.delegate = delegate;
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        return delegate.executeWithContext(request, context);
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
