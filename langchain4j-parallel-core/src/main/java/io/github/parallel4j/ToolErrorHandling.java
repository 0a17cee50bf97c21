package io.github.parallel4j;

/**
 * Who turns a tool's exception into what the model sees.
 */
public enum ToolErrorHandling {
    /**
     * The library: the model gets a {@code TOOL_ERROR} observation with the exception's message. The default.
     */
    OBSERVATION,
    /**
     * LangChain4j: the exception is rethrown to the AI service, so that its {@code ToolExecutionErrorHandler} and
     * {@code ToolArgumentsErrorHandler} (set with {@code AiServices.toolExecutionErrorHandler(...)}) decide.
     */
    LANGCHAIN4J_HANDLERS
}
