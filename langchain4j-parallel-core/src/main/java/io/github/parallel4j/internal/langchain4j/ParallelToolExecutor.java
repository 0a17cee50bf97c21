package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;

/**
 * Stands in for one tool's executor: LangChain4j calls it as usual, and it hands the call to the turn its batch
 * belongs to, then waits for that call's observation.
 */
final class ParallelToolExecutor implements ToolExecutor {

    private final Installation installation;
    private final String name;

    ParallelToolExecutor(Installation installation, String name) {
        this.installation = installation;
        this.name = name;
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        return installation.execute(request, context);
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
        return executeWithContext(request, InvocationContext.builder().chatMemoryId(memoryId).build())
                .resultText();
    }

    @Override
    public String toString() {
        return "ParallelToolExecutor[" + name + "]";
    }
}
