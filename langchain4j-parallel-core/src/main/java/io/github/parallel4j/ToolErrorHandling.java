package io.github.parallel4j;

/**
 * Who turns a tool's exception into what the model sees.
 */
public enum ToolErrorHandling {
    /**
     * The library: the model gets a {@code TOOL_ERROR} observation with the exception's message, or an
     * {@code INVALID_ARGUMENTS} one for arguments that do not parse. The default. A
     * {@code toolExecutionErrorHandler} / {@code toolArgumentsErrorHandler} set on the {@code AiServices} builder
     * is still honoured for errors of its kind: they go to it, as without the library.
     */
    OBSERVATION,
    /**
     * LangChain4j: the exception is rethrown to the AI service, so that its {@code ToolExecutionErrorHandler} and
     * {@code ToolArgumentsErrorHandler} (set with {@code AiServices.toolExecutionErrorHandler(...)}, or
     * LangChain4j's defaults) decide. A call whose arguments do not parse goes to its tool's executor (alone within
     * its invocation, under its integration's limits and timeout), so that the arguments handler receives the
     * {@code ToolArgumentsException} LangChain4j's executor throws.
     */
    LANGCHAIN4J_HANDLERS
}
