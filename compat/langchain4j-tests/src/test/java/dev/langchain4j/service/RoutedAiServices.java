package dev.langchain4j.service;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.agent.tool.ReturnBehavior;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * LangChain4j's own builder, with every way of registering tools routed through a callback, as a user migrating
 * by hand would replace each {@code .tools(...)} / {@code .toolProvider(...)} by {@code ParallelTools.install}.
 *
 * <p>It lives in LangChain4j's package only because {@code DefaultAiServices}, the builder that
 * {@code AiServices.builder(...)} makes without a factory, is package-private; it adds nothing but the routing.
 * While the callback runs (install registers its wrapped tools on this same builder), registrations go straight
 * to LangChain4j.
 */
public final class RoutedAiServices<T> extends DefaultAiServices<T> {

    private final BiConsumer<AiServices<T>, Object[]> install;
    private boolean installing;

    private RoutedAiServices(AiServiceContext context, BiConsumer<AiServices<T>, Object[]> install) {
        super(context);
        this.install = install;
    }

    /**
     * @param context the context LangChain4j made for the service
     * @param install registers tool objects, {@link AiServiceTool}s and {@link ToolProvider}s on a builder
     * @param <T> the service type
     * @return a builder that routes tool registrations through {@code install}
     */
    public static <T> AiServices<T> create(AiServiceContext context, BiConsumer<AiServices<T>, Object[]> install) {
        return new RoutedAiServices<>(context, install);
    }

    /**
     * @param context the context LangChain4j made for the service
     * @param <T> the service type
     * @return LangChain4j's own builder, routing nothing
     */
    public static <T> AiServices<T> plain(AiServiceContext context) {
        return new DefaultAiServices<>(context);
    }

    private AiServices<T> route(Object[] tools) {
        installing = true;
        try {
            install.accept(this, tools);
        } finally {
            installing = false;
        }
        return this;
    }

    @Override
    public AiServices<T> tools(Collection<Object> objectsWithTools) {
        if (installing) {
            return super.tools(objectsWithTools);
        }
        // As LangChain4j does, a null element is an error rather than skipped: install rejects it.
        return route(objectsWithTools.toArray());
    }

    @Override
    public AiServices<T> tools(List<AiServiceTool> tools) {
        return installing ? super.tools(tools) : route(tools.toArray());
    }

    @Override
    public AiServices<T> tools(Map<ToolSpecification, ToolExecutor> tools) {
        return installing ? super.tools(tools) : route(asTools(tools, Set.of()));
    }

    @Override
    @SuppressWarnings("deprecation")
    public AiServices<T> tools(Map<ToolSpecification, ToolExecutor> tools, Set<String> immediateReturnToolNames) {
        return installing ? super.tools(tools, immediateReturnToolNames) : route(asTools(tools, immediateReturnToolNames));
    }

    @Override
    public AiServices<T> toolProvider(ToolProvider toolProvider) {
        if (installing || toolProvider == null) {
            return super.toolProvider(toolProvider);
        }
        return route(new Object[] {toolProvider});
    }

    @Override
    public AiServices<T> toolProviders(Collection<ToolProvider> toolProviders) {
        if (installing || toolProviders == null) {
            return super.toolProviders(toolProviders);
        }
        return route(toolProviders.toArray());
    }

    @Override
    public AiServices<T> toolProviders(ToolProvider... toolProviders) {
        if (installing || toolProviders == null || toolProviders.length == 0) {
            return super.toolProviders(toolProviders);
        }
        return route(toolProviders);
    }

    private static Object[] asTools(Map<ToolSpecification, ToolExecutor> tools, Set<String> immediate) {
        List<Object> list = new ArrayList<>(tools.size());
        tools.forEach((spec, executor) -> list.add(AiServiceTool.builder()
                .toolSpecification(spec)
                .toolExecutor(executor)
                .returnBehavior(immediate.contains(spec.name()) ? ReturnBehavior.IMMEDIATE : ReturnBehavior.TO_LLM)
                .build()));
        return list.toArray();
    }
}
