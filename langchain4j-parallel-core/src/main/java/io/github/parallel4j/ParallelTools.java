package io.github.parallel4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolProvider;
import io.github.parallel4j.langchain4j.InstallSettings;
import io.github.parallel4j.langchain4j.Installation;
import io.github.parallel4j.limit.IntegrationGate;
import io.github.parallel4j.observe.ObservationWriter;
import io.github.parallel4j.policy.Durations;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.schedule.ResourceLocks;
import io.github.parallel4j.schedule.TurnScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
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
 * nothing. Resource-key exclusion also holds across turns and conversations, and for calls that arrive alone.
 * When the turn's budget runs out, running tools are interrupted, nothing more starts, and the turn returns on
 * time even if a tool ignores the interrupt.
 *
 * <p><b>Threads.</b> Tools run on virtual threads on Java 21+, on an elastic pool of daemon platform threads on
 * Java 17 (it grows with demand, as LangChain4j's own default does), or on the
 * {@link Builder#executor(Executor) executor} you give. A call waiting for a resource-key lock, a cap or a rate
 * permit is an entry in a queue: it holds no thread until it can start. The SLF4J MDC of the thread that calls
 * the AI service is visible in tools; add other context with {@link Builder#contextPropagator}.
 *
 * <p>Thread-safe. Make one per application and share it: limits and resource locks are per instance.
 */
public final class ParallelTools {

    private final Map<String, ToolPolicy> policies;
    private final ToolPolicy defaultPolicy;
    private final int maxBatchSize;
    private final Duration turnTimeout;
    private final ToolErrorHandling errorHandling;
    private final ObservationWriter writer;
    private final TurnScheduler scheduler;
    private final IntegrationGate gate;
    private final Map<String, IntegrationLimits> integrations;
    private final int maxConcurrentPerTurn;
    private final int maxRetriesPerTurn;
    private final int rateLimitRetries;
    private final Duration maxRetryAfter;
    private final Function<InvocationContext, Object> rateLimitKey;
    private final ObservationFormat format;
    private final int maxObservationChars;
    private final int maxTurnObservationChars;
    private final Map<String, Integer> toolObservationChars;
    private final boolean deduplicateReads;
    private final boolean describeScheduling;
    private final io.github.parallel4j.observe.KeptResults kept;
    private final io.github.parallel4j.langchain4j.ReadCache readCache;
    private final boolean shareCachedReads;
    private final int maxObservationTokens;
    private final dev.langchain4j.model.TokenCountEstimator tokenCounter;
    private final List<TurnListener> turnListeners;
    private final List<TurnObserver> turnObservers;
    private final Map<AiServices<?>, Installation> installations = Collections.synchronizedMap(new WeakHashMap<>());

    private ParallelTools(Builder b) {
        this.policies = Map.copyOf(b.policies);
        this.defaultPolicy = b.defaultPolicy;
        this.maxBatchSize = b.maxBatchSize;
        this.turnTimeout = b.turnTimeout;
        this.errorHandling = b.errorHandling;
        this.writer = new ObservationWriter();
        this.format = b.format;
        this.maxObservationChars = b.maxObservationChars;
        this.maxTurnObservationChars = b.maxTurnObservationChars;
        this.toolObservationChars = Map.copyOf(b.toolObservationChars);
        this.deduplicateReads = b.deduplicateReads;
        this.describeScheduling = b.describeScheduling;
        this.readCache = new io.github.parallel4j.langchain4j.ReadCache(b.ticker, 10_000);
        this.shareCachedReads = b.shareCachedReads;
        this.maxObservationTokens = b.maxObservationTokens;
        this.tokenCounter = b.tokenCounter;
        this.turnListeners = List.copyOf(b.turnListeners);
        this.turnObservers = List.copyOf(b.turnObservers);
        this.kept = b.keptChars > 0 ? new io.github.parallel4j.observe.KeptResults(b.keptChars, b.keepFor, b.ticker) : null;
        this.integrations = Collections.unmodifiableMap(new LinkedHashMap<>(b.integrations));
        this.maxConcurrentPerTurn = b.maxConcurrentPerTurn;
        this.maxRetriesPerTurn = b.maxRetriesPerTurn;
        this.rateLimitRetries = b.rateLimitRetries;
        this.maxRetryAfter = b.maxRetryAfter;
        this.rateLimitKey = b.rateLimitKey;
        this.gate = new IntegrationGate(integrations, b.maxConcurrentCalls, b.ticker, IntegrationGate.Sleeper.parking());
        List<ContextPropagator> propagators = new ArrayList<>();
        propagators.add(new MdcPropagator());
        propagators.addAll(b.propagators);
        Executor executor = b.executor != null ? b.executor : ToolThreads.defaultExecutor();
        if (b.executor != null) {
            ToolThreads.warnIfSmall(b.executor, b.maxConcurrentCalls, integrations);
        }
        this.scheduler = new TurnScheduler(executor, new ResourceLocks(), gate, b.ticker, ToolThreads.sharedTimer(),
                propagators);
    }

    /**
     * @return a builder with the defaults described on each of its methods
     * @throws UnsupportedLangChain4jException when the LangChain4j on the class path is older than
     *     {@link LangChain4jVersion#OLDEST_SUPPORTED}
     */
    public static Builder builder() {
        LangChain4jVersion.requireSupported();
        return new Builder();
    }

    /**
     * Adds tools to an AI service builder so that each AI message's calls run through this library, and
     * registers the listener that captures each message's batch.
     *
     * <p>Pass objects with {@code @Tool} methods (they replace {@code builder.tools(...)} for those objects),
     * already-built {@link AiServiceTool}s (a specification and its executor, as for a Spring AOP proxy's methods)
     * and, if you like, {@link ToolProvider}s (they replace {@code builder.toolProvider(...)}); provider tools get the
     * policies given by name with {@link Builder#toolPolicy}, or the default policy. Calling it several times on
     * one builder adds to the same installation. Tools you register on the builder directly still work: the
     * library treats their calls as exclusive barriers, never running anything emitted after them early.
     *
     * <p>Works with LangChain4j's sequential default and with {@code executeToolsConcurrently()}, with its error
     * handlers (see {@link Builder#toolErrorHandling}; a handler set on the builder is always honoured for errors of
     * its kind), and with streaming (where, with {@code executeToolsConcurrently()}, calls run as they arrive,
     * alone, still under resource-key locks). A tool object is registered as {@code builder.tools(object)} would
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
        Objects.requireNonNull(builder, "builder");
        Installation installation;
        synchronized (installations) {
            installation = installations.get(builder);
            if (installation == null) {
                installation = new Installation(new InstallSettings(policies, defaultPolicy, maxBatchSize,
                        turnTimeout, errorHandling, scheduler, writer, Duration.ofMinutes(30),
                        maxConcurrentPerTurn, maxRetriesPerTurn, rateLimitRetries, maxRetryAfter, rateLimitKey, format,
                        maxObservationChars, maxTurnObservationChars, toolObservationChars, deduplicateReads,
                        describeScheduling, kept, readCache, shareCachedReads, maxObservationTokens, tokenCounter,
                        turnListeners, turnObservers));
                installation.listenOn(builder);
                installation.readResultTool().ifPresent(tool -> builder.tools(List.<AiServiceTool>of(tool)));
                installations.put(builder, installation);
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
        return unknownToolStrategy(request -> {
            String observation = io.github.parallel4j.observe.ObservationWriter.refused(request.id(), request.name(),
                    ErrorCode.UNKNOWN_TOOL, "there is no tool named '" + request.name() + "'");
            return ToolExecutionResultMessage.builder()
                    .id(request.id())
                    .toolName(request.name())
                    .text(observation)
                    .isError(true)
                    .build();
        });
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
            List<Installation> all;
            synchronized (installations) {
                all = List.copyOf(installations.values());
            }
            for (Installation installation : all) {
                installation.decidedUnknown(request);
            }
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
        synchronized (installations) {
            return installations.values().stream().mapToLong(Installation::invocationsInFlight).sum();
        }
    }

    /**
     * A system-prompt paragraph that tells the model it may emit several calls at once and how to pass one call's
     * output to another ({@code "$call_1.order_id"}), so that dependent calls come in one message:
     * {@code AiServices.builder(...).systemMessageProvider(id -> "You are ... " + parallel.systemPromptSnippet())}.
     *
     * @return the paragraph
     */
    public String systemPromptSnippet() {
        return io.github.parallel4j.langchain4j.ModelGuidance.SYSTEM_PROMPT;
    }

    /**
     * The policy of every tool this instance runs: those wrapped by {@link #install} (on any builder still in use)
     * and those configured by name with {@link Builder#toolPolicy}. For monitoring (the Spring Boot Actuator
     * endpoint shows it).
     *
     * @return policies by tool name, sorted by name
     */
    public Map<String, ToolPolicy> toolPolicies() {
        Map<String, ToolPolicy> all = new java.util.TreeMap<>(policies);
        synchronized (installations) {
            for (Installation installation : installations.values()) {
                all.putAll(installation.policies());
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /** @return the limits by integration name */
    public Map<String, IntegrationLimits> integrations() {
        return integrations;
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
     * Calls still running after their turn ended (budget or cancellation) because the tool ignored interruption.
     * Each holds a thread and its resource locks until it returns.
     *
     * @return the number of such calls now
     */
    public int abandonedCalls() {
        return scheduler.abandonedCalls();
    }

    /** Builds {@link ParallelTools}; not thread-safe. */
    public static final class Builder {

        private final Map<String, ToolPolicy> policies = new LinkedHashMap<>();
        private final Map<String, IntegrationLimits> integrations = new LinkedHashMap<>();
        private final List<ContextPropagator> propagators = new ArrayList<>();
        private ToolPolicy defaultPolicy = ToolPolicy.exclusiveWrite();
        private int maxBatchSize = 64;
        private Duration turnTimeout = Duration.ofSeconds(60);
        private int maxObservationChars = 16_000;
        private int maxTurnObservationChars = 48_000;
        private final Map<String, Integer> toolObservationChars = new LinkedHashMap<>();
        private ObservationFormat format = ObservationFormat.ENVELOPE;
        private boolean deduplicateReads = true;
        private boolean describeScheduling;
        private long keptChars;
        private boolean shareCachedReads;
        private int maxObservationTokens;
        private dev.langchain4j.model.TokenCountEstimator tokenCounter;
        private final List<TurnListener> turnListeners = new ArrayList<>();
        private final List<TurnObserver> turnObservers = new ArrayList<>();
        private Duration keepFor;
        private ToolErrorHandling errorHandling = ToolErrorHandling.OBSERVATION;
        private Executor executor;
        private Ticker ticker = Ticker.system();
        private int maxConcurrentCalls;
        private int maxConcurrentPerTurn;
        private int maxRetriesPerTurn = 10;
        private int rateLimitRetries = 3;
        private Duration maxRetryAfter = Durations.DEFAULT_MAX_RETRY_AFTER;
        private Function<InvocationContext, Object> rateLimitKey = Installation::conversationOrInvocation;

        private Builder() {}

        /**
         * The wall-clock budget of one turn (one AI message's calls). Default 60 s.
         *
         * @param turnTimeout positive and at most {@link io.github.parallel4j.policy.Durations#MAX} (about 292
         *     years, the longest a nanosecond clock counts; a longer one such as {@code ChronoUnit.FOREVER} is
         *     refused), or null for no budget
         * @return this builder
         */
        public Builder turnTimeout(Duration turnTimeout) {
            if (turnTimeout != null && (turnTimeout.isZero() || turnTimeout.isNegative())) {
                throw new IllegalArgumentException("turnTimeout must be positive, was " + turnTimeout);
            }
            if (turnTimeout != null) {
                io.github.parallel4j.policy.Durations.requireRepresentable("turnTimeout (null for no budget)",
                        turnTimeout);
            }
            this.turnTimeout = turnTimeout;
            return this;
        }

        /**
         * The most calls one AI message may hold; a larger batch runs nothing and every call gets
         * {@code BATCH_TOO_LARGE}. Default 64.
         *
         * @param maxBatchSize at least 1
         * @return this builder
         */
        public Builder maxBatchSize(int maxBatchSize) {
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
            }
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /**
         * The policy of tools with neither {@code @ParallelSafe} nor {@code @Writes}, and of provider tools with
         * no policy by name. Default {@link ToolPolicy#exclusiveWrite()}: they run alone.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder defaultPolicy(ToolPolicy policy) {
            this.defaultPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Gives a tool a policy by name, for tools you cannot annotate (from a {@code ToolProvider}, MCP, a
         * library). It wins over the tool's annotations.
         *
         * @param toolName the tool's name
         * @param policy its policy
         * @return this builder
         */
        public Builder toolPolicy(String toolName, ToolPolicy policy) {
            if (toolName == null || toolName.isBlank()) {
                throw new IllegalArgumentException("A tool name must not be blank");
            }
            policies.put(toolName, Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * Limits calls to an integration (named by {@code @Integration} or {@link ToolPolicy#withIntegration}).
         *
         * @param name the integration's name
         * @param limits its limits
         * @return this builder
         */
        public Builder integration(String name, IntegrationLimits limits) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("An integration name must not be blank");
            }
            integrations.put(name, Objects.requireNonNull(limits, "limits"));
            return this;
        }

        /**
         * Caps how many calls run at once in the JVM (over every turn and integration of this instance). Waiting
         * calls hold no thread and are admitted in the order they became ready; a call takes this slot last, once its
         * resource-key locks, integration slot and rate permit are held, so a call stuck behind a lock or a limit
         * never holds one of these slots. Default: no cap.
         *
         * @param maxConcurrentCalls at least 1
         * @return this builder
         */
        public Builder maxConcurrentCalls(int maxConcurrentCalls) {
            if (maxConcurrentCalls < 1) {
                throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, was " + maxConcurrentCalls);
            }
            this.maxConcurrentCalls = maxConcurrentCalls;
            return this;
        }

        /**
         * Caps how many calls of one turn run at once. Default: no cap.
         *
         * @param maxConcurrentCallsPerTurn at least 1
         * @return this builder
         */
        public Builder maxConcurrentCallsPerTurn(int maxConcurrentCallsPerTurn) {
            if (maxConcurrentCallsPerTurn < 1) {
                throw new IllegalArgumentException(
                        "maxConcurrentCallsPerTurn must be at least 1, was " + maxConcurrentCallsPerTurn);
            }
            this.maxConcurrentPerTurn = maxConcurrentCallsPerTurn;
            return this;
        }

        /**
         * The most retries (of all calls together, under their {@code @Retry} policies) one turn may make, so that
         * retries cannot double a turn's latency. Default 10.
         *
         * @param maxRetriesPerTurn 0 or more
         * @return this builder
         */
        public Builder maxRetriesPerTurn(int maxRetriesPerTurn) {
            if (maxRetriesPerTurn < 0) {
                throw new IllegalArgumentException("maxRetriesPerTurn must not be negative, was " + maxRetriesPerTurn);
            }
            this.maxRetriesPerTurn = maxRetriesPerTurn;
            return this;
        }

        /**
         * How many times one call is run again after its tool throws {@link RateLimitedException} (an upstream
         * 429), each time after the upstream's retry-after, within the budget. Default 3.
         *
         * @param rateLimitRetries 0 or more
         * @return this builder
         */
        public Builder rateLimitRetries(int rateLimitRetries) {
            if (rateLimitRetries < 0) {
                throw new IllegalArgumentException("rateLimitRetries must not be negative, was " + rateLimitRetries);
            }
            this.rateLimitRetries = rateLimitRetries;
            return this;
        }

        /**
         * The longest retry-after of an upstream the library honours. A call whose upstream asks to wait longer (a
         * header in milliseconds read as seconds, an outage page) is answered {@code RATE_LIMITED} at once, and its
         * integration is paused for this long only: one bad header can neither hang a call nor stop an integration
         * for every conversation for hours. Default 5 minutes.
         *
         * @param maxRetryAfter positive
         * @return this builder
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (maxRetryAfter.isNegative() || maxRetryAfter.isZero()) {
                throw new IllegalArgumentException("maxRetryAfter must be positive, was " + maxRetryAfter);
            }
            this.maxRetryAfter = Durations.requireRepresentable("maxRetryAfter", maxRetryAfter);
            return this;
        }

        /**
         * What {@link IntegrationLimits.Builder#perKeyRate per-key rates} are keyed by. Default: the conversation
         * (the AI service's chat memory id), or, when the AI service method has no {@code @MemoryId} (LangChain4j
         * then gives every invocation the same memory id, "default"), the invocation: one user's calls never use
         * up another's allowance. A tenant, for instance:
         * {@code context -> context.invocationParameters().get("tenant")}. A null key skips per-key rates.
         *
         * @param rateLimitKey derives the key from an AI service invocation
         * @return this builder
         */
        public Builder rateLimitKey(Function<InvocationContext, Object> rateLimitKey) {
            this.rateLimitKey = Objects.requireNonNull(rateLimitKey, "rateLimitKey");
            return this;
        }

        /**
         * The most characters of one observation; a longer result is cut (still valid JSON, saying what it left
         * out) and marked truncated with its original size. Default 16 000.
         *
         * @param maxObservationChars at least 256
         * @return this builder
         */
        public Builder maxObservationChars(int maxObservationChars) {
            if (maxObservationChars < ObservationWriter.MIN_CHARS) {
                throw new IllegalArgumentException("maxObservationChars must be at least "
                        + ObservationWriter.MIN_CHARS + ", was " + maxObservationChars);
            }
            this.maxObservationChars = maxObservationChars;
            return this;
        }

        /**
         * The most characters of one turn's observations together, shared fairly: observations under an equal
         * share stay whole, large ones split what is left equally (each keeps at least 256). Applies to batches the
         * library runs whole (not to calls that run alone, nor to batches with calls of tools it does not run).
         * Default 48 000.
         *
         * @param maxTurnObservationChars at least 256, or 0 for no turn budget
         * @return this builder
         */
        public Builder maxTurnObservationChars(int maxTurnObservationChars) {
            if (maxTurnObservationChars != 0 && maxTurnObservationChars < ObservationWriter.MIN_CHARS) {
                throw new IllegalArgumentException("maxTurnObservationChars must be 0 or at least "
                        + ObservationWriter.MIN_CHARS + ", was " + maxTurnObservationChars);
            }
            this.maxTurnObservationChars = maxTurnObservationChars;
            return this;
        }

        /**
         * Also limits each observation in tokens, as counted by a LangChain4j {@code TokenCountEstimator} (the
         * model provider's, for instance {@code OpenAiTokenCountEstimator}); the character limits still apply.
         *
         * @param maxTokens at least 64
         * @param estimator counts tokens
         * @return this builder
         */
        public Builder maxObservationTokens(int maxTokens, dev.langchain4j.model.TokenCountEstimator estimator) {
            if (maxTokens < 64) {
                throw new IllegalArgumentException("maxObservationTokens must be at least 64, was " + maxTokens);
            }
            this.maxObservationTokens = maxTokens;
            this.tokenCounter = Objects.requireNonNull(estimator, "estimator");
            return this;
        }

        /**
         * Overrides the observation limit of one tool; 0 means its results are never cut (not even by the turn's
         * budget).
         *
         * @param toolName the tool's name
         * @param maxChars 0, or at least 256
         * @return this builder
         */
        public Builder toolObservationChars(String toolName, int maxChars) {
            if (toolName == null || toolName.isBlank()) {
                throw new IllegalArgumentException("A tool name must not be blank");
            }
            if (maxChars != 0 && maxChars < ObservationWriter.MIN_CHARS) {
                throw new IllegalArgumentException("The observation limit of tool '" + toolName + "' must be 0 or at least "
                        + ObservationWriter.MIN_CHARS + ", was " + maxChars);
            }
            toolObservationChars.put(toolName, maxChars);
            return this;
        }

        /**
         * Whether identical reads in one AI message (same tool, equal arguments) run once and share the result;
         * each still gets its own observation, which says so. Writes are never deduplicated. Default true.
         *
         * @param deduplicateReads whether to deduplicate
         * @return this builder
         */
        public Builder deduplicateReads(boolean deduplicateReads) {
            this.deduplicateReads = deduplicateReads;
            return this;
        }

        /**
         * Whether to append one sentence to each installed tool's description saying how it is scheduled
         * ("Read-only: safe to call in parallel..." or "Changes state: ... in the order you emit them"), so that
         * models batch reads. Default false (descriptions are left as written).
         *
         * @param describeScheduling whether to append the sentence
         * @return this builder
         */
        public Builder describeScheduling(boolean describeScheduling) {
            this.describeScheduling = describeScheduling;
            return this;
        }

        /**
         * Keeps the full results that were cut (in a Caffeine cache bounded by total characters and time), names
         * each by a {@code "handle"} in its observation, and installs a {@code read_result(handle, offset, length)}
         * tool with which the model reads the rest. A handle can only be read from the conversation (chat memory
         * id; without one, the AI service invocation) that received it, through the AI service that kept it. Off by
         * default.
         *
         * @param maxChars the most characters kept in all, positive
         * @param keepFor how long each result is kept, positive
         * @return this builder
         */
        public Builder keepTruncatedResults(long maxChars, Duration keepFor) {
            if (maxChars < 1) {
                throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
            }
            Objects.requireNonNull(keepFor, "keepFor");
            if (keepFor.isZero() || keepFor.isNegative()) {
                throw new IllegalArgumentException("keepFor must be positive, was " + keepFor);
            }
            io.github.parallel4j.policy.Durations.requireRepresentable("keepFor", keepFor);
            this.keptChars = maxChars;
            this.keepFor = keepFor;
            return this;
        }

        /**
         * Whether reads cached with {@code @CacheFor} / {@link ToolPolicy#cacheFor} are shared by every conversation
         * of an AI service (for data that is the same for everyone), instead of kept per conversation. Either way a
         * cached read is only ever seen by the AI service ({@link #install installation}) whose tool produced it.
         * Default false.
         *
         * @param share whether to share
         * @return this builder
         */
        public Builder shareCachedReads(boolean share) {
            this.shareCachedReads = share;
            return this;
        }

        /**
         * Tells a listener about every finished turn: its plan and each call's outcome and timings, for traces,
         * metrics, logs, or a {@link io.github.parallel4j.observe.TurnTimeline}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder turnListener(TurnListener listener) {
            turnListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Lets an observer follow every turn and call while they run, for tracing (a span per turn and per call
         * attempt, on the tool's thread) and metrics. The Spring Boot starter registers one for Micrometer.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder turnObserver(TurnObserver observer) {
            turnObservers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * What tool results look like to the model. Default {@link ObservationFormat#ENVELOPE}.
         *
         * @param format the format
         * @return this builder
         */
        public Builder observationFormat(ObservationFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Who turns a tool's exception into what the model sees. Default {@link ToolErrorHandling#OBSERVATION}.
         *
         * @param handling the choice
         * @return this builder
         */
        public Builder toolErrorHandling(ToolErrorHandling handling) {
            this.errorHandling = Objects.requireNonNull(handling, "handling");
            return this;
        }

        /**
         * The executor that runs tools. It must run each task on another thread. A call is given to it only once
         * its locks, caps and rate permits are held, so it needs one thread per call running at once, plus one per
         * call abandoned at its turn's budget (a tool that ignored the interrupt) until that call returns
         * ({@link ParallelTools#abandonedCalls()} counts them). Default: as LangChain4j's own default for
         * {@code executeToolsConcurrently()}, virtual threads on Java 21+, else an elastic pool of daemon threads
         * that grows with demand and lets idle threads go after a minute. An executor you give is left as it is;
         * when it is a {@link java.util.concurrent.ThreadPoolExecutor} with fewer threads than your caps let run
         * at once ({@link #maxConcurrentCalls(int)}, or unbounded without it), a WARN at build says so.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The time source for latencies and budgets. Default {@link Ticker#system()}.
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Carries more thread-bound context to tool threads; the MDC is always carried.
         *
         * @param propagator the propagator
         * @return this builder
         */
        public Builder contextPropagator(ContextPropagator propagator) {
            propagators.add(Objects.requireNonNull(propagator, "propagator"));
            return this;
        }

        /** @return the configured instance */
        public ParallelTools build() {
            return new ParallelTools(this);
        }
    }
}
