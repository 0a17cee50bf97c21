package io.github.parallel4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolProvider;
import io.github.parallel4j.internal.langchain4j.Installations;
import io.github.parallel4j.internal.langchain4j.LangChain4jVersion;
import io.github.parallel4j.internal.langchain4j.ModelGuidance;
import io.github.parallel4j.internal.limit.IntegrationGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.internal.limit.SharedGate;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Runs the tool calls of one AI message in parallel where that is safe, in order where it is not, within
 * integration limits and a time budget, and returns one honest JSON observation per call.
 *
 * <pre>{@code
 * ParallelTools parallel = ParallelTools.builder()
 *         .turnTimeout(Duration.ofSeconds(30))
 *         .integration("jira", IntegrationLimits.builder().maxConcurrent(2).rate(5, Duration.ofSeconds(1)).build())
 *         .build();
 *
 * Assistant assistant = parallel.install(AiServices.builder(Assistant.class), new TriageTools())
 *         .chatModel(model)
 *         .build();
 * }</pre>
 *
 * <p><b>What a turn guarantees.</b> Each call of the message runs at most once and yields exactly one
 * observation, and LangChain4j sends them back in the model's order. A call starts as soon as the calls it
 * references ({@code $call_1.order_id}) and the calls it conflicts with (same resource key with a write, or an
 * exclusive write) have finished; conflicting calls never overlap and keep the model's order. A cycle runs
 * nothing. Resource-key exclusion also holds across turns and conversations.
 * When the turn's budget runs out, running tools are interrupted, nothing more starts, and the turn returns on
 * time even if a tool ignores the interrupt.
 *
 * <p><b>Threads.</b> Tools run on virtual threads on Java 21+, on an elastic pool of daemon platform threads on
 * Java 17 (it grows with demand, as LangChain4j's own default does), or on the
 * {@link ParallelToolsBuilder#executor(Executor) executor} you give. A call waiting for a resource-key lock, a cap or a rate
 * permit is an entry in a queue: it holds no thread until it can start. The SLF4J MDC of the thread that calls
 * the AI service is visible in tools; add other context with {@link ParallelToolsBuilder#contextPropagator}.
 *
 * <p>Thread-safe. Make one per application and share it: limits and resource locks are per instance.
 */
public final class ParallelTools {

    private final ParallelToolsConfig config;
    private final IntegrationGate gate;
    private final SharedGate shared;
    private final TurnScheduler scheduler;
    private final Installations installations;

    private ParallelTools(ParallelToolsConfig config) {
        this.config = config;
        this.gate = new IntegrationGate(config.integrations(), config.maxConcurrentCalls(), config.ticker(),
                IntegrationGate.Sleeper.parking());
        this.shared = config.sharedLimits()
                .map(limits -> new SharedGate(gate, config.integrations(), limits, config.ticker(),
                        config.maxRetryAfter())).orElse(null);
        List<ContextPropagator> propagators = new ArrayList<>();
        propagators.add(new MdcPropagator());
        propagators.addAll(config.contextPropagators());
        config.executor().ifPresent(
                given -> ToolThreads.warnIfSmall(given, config.maxConcurrentCalls(), config.integrations()));
        this.scheduler = new TurnScheduler(config.executor().orElseGet(ToolThreads::defaultExecutor),
                new ResourceLocks(), shared != null ? shared : gate, config.ticker(),
                config.timer().orElseGet(ToolThreads::sharedTimer), propagators, count -> {},
                config.executor().isEmpty());
        this.installations = new Installations(config, scheduler);
    }

    /**
     * Runs a configuration built beforehand, for instance one shared by several instances or read from
     * properties.
     *
     * @param config the configuration
     * @return the instance
     * @throws IllegalStateException when the LangChain4j on the class path is older than the oldest this library
     *     supports (1.17.0); its message names the version found and the fix (import {@code langchain4j-parallel-bom})
     */
    public static ParallelTools of(ParallelToolsConfig config) {
        LangChain4jVersion.requireSupported();
        return new ParallelTools(Objects.requireNonNull(config, "config"));
    }

    /**
     * @return a builder with the defaults described on each of its methods, whose {@code build()} makes the instance
     * @throws IllegalStateException when the LangChain4j on the class path is older than the oldest this library
     *     supports (1.17.0); its message names the version found and the fix (import {@code langchain4j-parallel-bom})
     */
    public static ParallelToolsBuilder<ParallelTools> builder() {
        LangChain4jVersion.requireSupported();
        return new ParallelToolsBuilder<>(null, ParallelTools::new);
    }

    /**
     * Adds tools to an AI service builder so that each AI message's calls run through this library, and
     * registers the listener that captures each message's batch.
     *
     * <p>Pass objects with {@code @Tool} methods (they replace {@code builder.tools(...)} for those objects),
     * already-built {@link AiServiceTool}s (a specification and its executor, as for a Spring AOP proxy's methods)
     * and, if you like, {@link ToolProvider}s (they replace {@code builder.toolProvider(...)}); provider tools get the
     * policies given by name with {@link ParallelToolsBuilder#toolPolicy}, or the default policy. Calling it several times on
     * one builder adds to the same installation. Tools you register on the builder directly still work: the
     * library treats their calls as exclusive barriers, never running anything emitted after them early.
     *
     * <p>Works with LangChain4j's sequential default and with {@code executeToolsConcurrently()}, with its error
     * handlers (see {@link ParallelToolsBuilder#toolErrorHandling}; a handler set on the builder is always honoured for errors of
     * its kind), and with streaming (where, with {@code executeToolsConcurrently()}, each call starts as it streams
     * in, and the message is still one turn: see docs/streaming.md). A tool object is registered as {@code builder.tools(object)} would
     * register it, so LangChain4j finds and validates its {@code @CompensateFor} actions and runs them with
     * {@code compensateOnToolErrors(true)}; a tool whose return behavior sends its result to the application
     * ({@code IMMEDIATE}) gives the application its own result, not the envelope.
     *
     * @param builder the AI service builder
     * @param toolObjects objects with {@code @Tool} methods, {@link AiServiceTool}s, or {@link ToolProvider}s
     * @param <T> the AI service type
     * @return the same builder
     * @throws IllegalArgumentException when a tool's policy annotations are inconsistent or a resource key names
     *     an argument the tool does not have
     */
    public <T> AiServices<T> install(AiServices<T> builder, Object... toolObjects) {
        installations.install(builder, toolObjects);
        return builder;
    }

    /**
     * A strategy for calls to tools that do not exist, to give to
     * {@code AiServices.hallucinatedToolNameStrategy(...)}: the model gets an {@code UNKNOWN_TOOL} observation
     * and the rest of the batch runs, instead of LangChain4j's default of failing the whole invocation.
     *
     * <p>With {@code executeToolsConcurrently()}, what the model emitted after a call to an unknown tool waits
     * until LangChain4j has decided on that call (LangChain4j starts every call at once, so the arrival of a later
     * call says nothing about it): LangChain4j's default strategy fails the invocation, and the waiting calls are
     * cancelled without running; this strategy lets them go as soon as it has answered. A strategy of your own
     * gives no such signal: the waiting calls wait 2 seconds, then the turn is cancelled (budget or not), so wrap
     * it with {@link #unknownToolStrategy(Function)}.
     *
     * @return the strategy
     */
    public Function<ToolExecutionRequest, ToolExecutionResultMessage> unknownToolStrategy() {
        return unknownToolStrategy(Installations::unknownTool);
    }

    /**
     * Your own strategy for calls to tools that do not exist, made to tell the library when it has answered, so
     * that with {@code executeToolsConcurrently()} what was emitted after the call may run (see
     * {@link #unknownToolStrategy()}). If your strategy throws, the invocation fails and those calls are cancelled.
     *
     * @param strategy what to answer the model
     * @return the strategy to give to {@code AiServices.hallucinatedToolNameStrategy(...)}
     */
    public Function<ToolExecutionRequest, ToolExecutionResultMessage> unknownToolStrategy(
            Function<ToolExecutionRequest, ToolExecutionResultMessage> strategy) {
        Objects.requireNonNull(strategy, "strategy");
        return request -> {
            ToolExecutionResultMessage answer = strategy.apply(request);
            installations.decidedUnknown(request);
            return answer;
        };
    }

    /**
     * How many AI service invocations the library keeps state for now, over every builder it was installed on:
     * invocations between a model response with tool calls and their end. For monitoring and leak tests.
     *
     * @return the number of invocations
     */
    public long invocationsInFlight() {
        return installations.invocationsInFlight();
    }

    /**
     * A system-prompt paragraph that tells the model it may emit several calls at once and how to pass one call's
     * output to another ({@code "$call_1.order_id"}), so that dependent calls come in one message:
     * {@code AiServices.builder(...).systemMessageProvider(id -> "You are ... " + parallel.systemPromptSnippet())}.
     *
     * @return the paragraph
     */
    public String systemPromptSnippet() {
        return ModelGuidance.SYSTEM_PROMPT;
    }

    /**
     * The policy of every tool this instance runs: those wrapped by {@link #install} (on any builder still in use)
     * and those configured by name with {@link ParallelToolsBuilder#toolPolicy}. For monitoring (the Spring Boot Actuator
     * endpoint shows it).
     *
     * @return policies by tool name, sorted by name
     */
    public Map<String, ToolPolicy> toolPolicies() {
        return Collections.unmodifiableMap(installations.policies());
    }

    /** @return the limits by integration name */
    public Map<String, IntegrationLimits> integrations() {
        return config.integrations();
    }

    /**
     * How many calls wait for one of an integration's slots right now.
     *
     * @param integration the integration's name
     * @return waiting calls; 0 when it has no concurrency cap
     */
    public int waiting(String integration) {
        return gate.waiting(integration);
    }

    /**
     * How many calls to an integration run right now.
     *
     * @param integration the integration's name
     * @return calls holding one of its slots; 0 when it has no concurrency cap
     */
    public int inFlight(String integration) {
        return gate.inFlight(integration);
    }

    /**
     * How the {@link ParallelToolsBuilder#sharedLimits shared limits} fare: their backend, whether it answers, and how many
     * calls fell back to the in-JVM limits or were refused because it did not.
     *
     * @return the status, or empty without shared limits
     */
    public Optional<SharedLimits.Status> sharedLimitsStatus() {
        return Optional.ofNullable(shared).map(SharedGate::status);
    }

    /**
     * How many of an integration's shared permits every JVM holds right now, asked of the backend (waiting at
     * most its {@link SharedLimits#timeout()}).
     *
     * @param integration the integration's name
     * @return the count, or empty without shared limits or when the backend does not answer in time
     */
    public Optional<Integer> sharedInFlight(String integration) {
        return shared == null ? Optional.empty() : shared.sharedInFlight(integration);
    }

    /**
     * Calls still running after their turn ended (budget or cancellation) because the tool ignored interruption.
     * Each holds a thread and its resource locks until it returns.
     *
     * @return the number of such calls now
     */
    public int abandonedCalls() {
        return scheduler.abandonedCalls();
    }

    /** @return every setting of this instance, as it was built */
    public ParallelToolsConfig config() {
        return config;
    }
}
