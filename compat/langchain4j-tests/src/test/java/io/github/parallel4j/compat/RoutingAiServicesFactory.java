package io.github.parallel4j.compat;

import dev.langchain4j.observability.api.listener.ToolExecutedEventListener;
import dev.langchain4j.service.AiServiceContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.RoutedAiServices;
import dev.langchain4j.spi.services.AiServicesFactory;

/**
 * Found by {@code AiServices.builder(...)} through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.langchain4j.spi.services.AiServicesFactory} in this module's test resources): every
 * builder LangChain4j's tests make registers its tools through {@code ParallelTools.install}, in the mode
 * {@link CompatMode#current()} says, and
 * tells {@link Executions} of every call LangChain4j reports executed.
 */
public final class RoutingAiServicesFactory implements AiServicesFactory {

    @Override
    public <T> AiServices<T> create(AiServiceContext context) {
        CompatMode mode = CompatMode.current();
        CompatMode.builderCreated();
        if (mode.parallel() == null) {
            return RoutedAiServices.plain(context);
        }
        AiServices<T> builder = RoutedAiServices.<T>create(context, (routed, tools) -> {
            mode.parallel().install(routed, tools);
            CompatMode.routed(tools.length);
        });
        builder.registerListener((ToolExecutedEventListener) event -> Executions.reported(event, context));
        return builder;
    }
}
