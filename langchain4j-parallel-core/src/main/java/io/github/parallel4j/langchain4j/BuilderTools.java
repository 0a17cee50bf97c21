package io.github.parallel4j.langchain4j;

import dev.langchain4j.service.AiServiceContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolArgumentsErrorHandler;
import dev.langchain4j.service.tool.ToolExecutionErrorHandler;
import dev.langchain4j.service.tool.ToolService;
import java.lang.reflect.Field;
import java.util.Optional;

/**
 * The {@link ToolService} behind an {@code AiServices} builder, where LangChain4j keeps its tools, their
 * compensating actions ({@code @CompensateFor}) and the error handlers the user configured.
 *
 * <p>Why reach for it: LangChain4j finds and validates {@code @CompensateFor} actions only for objects registered
 * with {@code tools(Object...)}, and runs them only for tools it registered so; and it offers no getter for the
 * builder's context. So {@code install} registers an object exactly as {@code tools(...)} would and then puts
 * the library's executor in place of each of its tools' executors; compensation, memory rewriting and validation
 * stay LangChain4j's own. The context is a protected field of {@code AiServices}, read once per builder.
 */
final class BuilderTools {

    private static final ToolService PRISTINE = new ToolService();

    private BuilderTools() {}

    /**
     * @param builder an AI service builder
     * @return its tool service, or empty when this LangChain4j version keeps it elsewhere
     */
    static Optional<ToolService> of(AiServices<?> builder) {
        try {
            Field field = AiServices.class.getDeclaredField("context");
            field.setAccessible(true);
            Object context = field.get(builder);
            return context instanceof AiServiceContext c ? Optional.ofNullable(c.toolService) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return whether the user gave the builder a {@code toolArgumentsErrorHandler} */
    static boolean hasArgumentsHandler(ToolService service) {
        ToolArgumentsErrorHandler handler = service.argumentsErrorHandler();
        return handler != PRISTINE.argumentsErrorHandler();
    }

    /** @return whether the user gave the builder a {@code toolExecutionErrorHandler} */
    static boolean hasExecutionHandler(ToolService service) {
        ToolExecutionErrorHandler handler = service.executionErrorHandler();
        return handler != PRISTINE.executionErrorHandler();
    }
}
