package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolProvider;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.observe.KeptResults;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * The library inside every {@code AiServices} builder one {@code ParallelTools} was installed on: one
 * {@link Installation} per builder, made on its first {@link #install} and kept while the builder (and the AI
 * service it built) is in use, all sharing the scheduler, the read cache and the kept results. Internal: not part
 * of the public API.
 *
 * <p>Thread-safe.
 */
@Internal
public final class Installations {

    /** The most cached reads kept, over every installation. */
    private static final long READ_CACHE_ENTRIES = 10_000;

    private final ParallelToolsConfig config;
    private final TurnScheduler scheduler;
    private final ReadCache readCache;
    private final KeptResults kept;
    /** Weak keys: an AI service builder nobody holds any more takes its installation with it. */
    private final Map<AiServices<?>, Installation> byBuilder = new WeakHashMap<>();

    /**
     * @param config the settings
     * @param scheduler runs every turn
     */
    public Installations(ParallelToolsConfig config, TurnScheduler scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        this.readCache = new ReadCache(config.ticker(), READ_CACHE_ENTRIES);
        this.kept = config.keptResultChars() > 0
                ? new KeptResults(config.keptResultChars(), config.keepResultsFor().orElseThrow(), config.ticker())
                : null;
    }

    /**
     * Installs tools on a builder: see {@code ParallelTools.install}.
     *
     * @param builder the AI service builder
     * @param toolObjects objects with {@code @Tool} methods, {@link AiServiceTool}s, or {@link ToolProvider}s
     */
    public void install(AiServices<?> builder, Object... toolObjects) {
        Objects.requireNonNull(builder, "builder");
        Installation installation;
        synchronized (byBuilder) {
            installation = byBuilder.get(builder);
            if (installation == null) {
                installation = new Installation(config, scheduler, readCache, kept);
                installation.listenOn(builder);
                installation.readResultTool().ifPresent(tool -> builder.tools(List.<AiServiceTool>of(tool)));
                byBuilder.put(builder, installation);
            }
        }
        for (Object toolObject : toolObjects) {
            Objects.requireNonNull(toolObject, "a tool object is null");
            if (toolObject instanceof ToolProvider provider) {
                builder.toolProvider(installation.wrapProvider(provider));
            } else if (toolObject instanceof AiServiceTool tool) {
                builder.tools(List.<AiServiceTool>of(installation.wrapTool(tool)));
            } else {
                installation.registerTools(builder, toolObject);
            }
        }
    }

    /**
     * Tells every installation that a call of a tool nobody has was answered, so that what waits behind it may run.
     *
     * @param request the call
     */
    public void decidedUnknown(ToolExecutionRequest request) {
        for (Installation installation : all()) {
            installation.decidedUnknown(request);
        }
    }

    /** @return how many invocations the installations keep state for now */
    public long invocationsInFlight() {
        return all().stream().mapToLong(Installation::invocationsInFlight).sum();
    }

    /** @return the policy of every tool installed, and of every tool configured by name, sorted by name */
    public Map<String, ToolPolicy> policies() {
        Map<String, ToolPolicy> policies = new TreeMap<>(config.toolPolicies());
        for (Installation installation : all()) {
            policies.putAll(installation.policies());
        }
        return policies;
    }

    /**
     * @param request a call of a tool that does not exist
     * @return its {@code UNKNOWN_TOOL} observation
     */
    public static ToolExecutionResultMessage unknownTool(ToolExecutionRequest request) {
        return CallResults.unknownTool(request);
    }

    /**
     * The default key of per-key rates: the invocation's memory id, or its invocation id when it has no memory id
     * of its own (LangChain4j's "default", which every user shares).
     *
     * @param context the invocation
     * @return the key, or null when the invocation has neither
     */
    public static Object conversationOrInvocation(InvocationContext context) {
        return ResultScope.conversationOrInvocation(context);
    }

    private List<Installation> all() {
        synchronized (byBuilder) {
            return List.copyOf(byBuilder.values());
        }
    }
}
