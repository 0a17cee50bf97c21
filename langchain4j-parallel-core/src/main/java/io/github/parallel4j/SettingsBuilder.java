package io.github.parallel4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.parallel4j.langchain4j.Installations;
import io.github.parallel4j.policy.Durations;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * The settings of a {@link ParallelTools}, shared by its two builders: {@link ParallelTools#builder()}, which
 * builds the instance, and {@link ParallelToolsConfig#custom()}, which builds the configuration alone. Each method
 * checks its value, throwing an {@link IllegalArgumentException} that names the setting and the bad value, and
 * says its default, a {@code DEFAULT_*} constant of {@link ParallelToolsConfig}. Not thread-safe; not meant to be
 * extended outside the library.
 *
 * @param <B> the builder's own type, which every setter returns
 */
public abstract class SettingsBuilder<B extends SettingsBuilder<B>> {

    final Map<String, ToolPolicy> toolPolicies = new LinkedHashMap<>();
    ToolPolicy defaultPolicy = ToolPolicy.exclusiveWrite();
    final Map<String, IntegrationLimits> integrations = new LinkedHashMap<>();
    Duration turnTimeout = ParallelToolsConfig.DEFAULT_TURN_TIMEOUT;
    int maxBatchSize = ParallelToolsConfig.DEFAULT_MAX_BATCH_SIZE;
    int maxConcurrentCalls = ParallelToolsConfig.DEFAULT_MAX_CONCURRENT_CALLS;
    int maxConcurrentCallsPerTurn = ParallelToolsConfig.DEFAULT_MAX_CONCURRENT_CALLS_PER_TURN;
    int maxRetriesPerTurn = ParallelToolsConfig.DEFAULT_MAX_RETRIES_PER_TURN;
    int rateLimitRetries = ParallelToolsConfig.DEFAULT_RATE_LIMIT_RETRIES;
    Duration maxRetryAfter = ParallelToolsConfig.DEFAULT_MAX_RETRY_AFTER;
    Function<InvocationContext, Object> rateLimitKey = Installations::conversationOrInvocation;
    int maxObservationChars = ParallelToolsConfig.DEFAULT_MAX_OBSERVATION_CHARS;
    int maxTurnObservationChars = ParallelToolsConfig.DEFAULT_MAX_TURN_OBSERVATION_CHARS;
    final Map<String, Integer> toolObservationChars = new LinkedHashMap<>();
    int maxObservationTokens = ParallelToolsConfig.DEFAULT_MAX_OBSERVATION_TOKENS;
    TokenCountEstimator tokenCountEstimator;
    long keptResultChars;
    Duration keepResultsFor;
    boolean deduplicateReads = ParallelToolsConfig.DEFAULT_DEDUPLICATE_READS;
    boolean describeScheduling = ParallelToolsConfig.DEFAULT_DESCRIBE_SCHEDULING;
    boolean shareCachedReads = ParallelToolsConfig.DEFAULT_SHARE_CACHED_READS;
    ObservationFormat observationFormat = ParallelToolsConfig.DEFAULT_OBSERVATION_FORMAT;
    ToolErrorHandling toolErrorHandling = ParallelToolsConfig.DEFAULT_TOOL_ERROR_HANDLING;
    final List<TurnListener> turnListeners = new ArrayList<>();
    final List<TurnObserver> turnObservers = new ArrayList<>();
    final List<ContextPropagator> contextPropagators = new ArrayList<>();
    Executor executor;
    Ticker ticker = Ticker.system();
    ScheduledExecutorService timer;

    SettingsBuilder() {}

    /** Starts from every setting of {@code base}. */
    SettingsBuilder(ParallelToolsConfig base) {
        toolPolicies.putAll(base.toolPolicies());
        defaultPolicy = base.defaultPolicy();
        integrations.putAll(base.integrations());
        turnTimeout = base.turnTimeout().orElse(null);
        maxBatchSize = base.maxBatchSize();
        maxConcurrentCalls = base.maxConcurrentCalls();
        maxConcurrentCallsPerTurn = base.maxConcurrentCallsPerTurn();
        maxRetriesPerTurn = base.maxRetriesPerTurn();
        rateLimitRetries = base.rateLimitRetries();
        maxRetryAfter = base.maxRetryAfter();
        rateLimitKey = base.rateLimitKey();
        maxObservationChars = base.maxObservationChars();
        maxTurnObservationChars = base.maxTurnObservationChars();
        toolObservationChars.putAll(base.toolObservationChars());
        maxObservationTokens = base.maxObservationTokens();
        tokenCountEstimator = base.tokenCountEstimator().orElse(null);
        keptResultChars = base.keptResultChars();
        keepResultsFor = base.keepResultsFor().orElse(null);
        deduplicateReads = base.deduplicateReads();
        describeScheduling = base.describeScheduling();
        shareCachedReads = base.shareCachedReads();
        observationFormat = base.observationFormat();
        toolErrorHandling = base.toolErrorHandling();
        turnListeners.addAll(base.turnListeners());
        turnObservers.addAll(base.turnObservers());
        contextPropagators.addAll(base.contextPropagators());
        executor = base.executor().orElse(null);
        ticker = base.ticker();
        timer = base.timer().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** @return the configuration this builder holds now */
    ParallelToolsConfig toConfig() {
        return new ParallelToolsConfig(this);
    }

    /**
     * The wall-clock budget of one turn (one AI message's calls). Default 60 s.
     *
     * @param turnTimeout positive and at most {@link io.github.parallel4j.policy.Durations#MAX} (about 292
     *     years, the longest a nanosecond clock counts; a longer one such as {@code ChronoUnit.FOREVER} is
     *     refused), or null for no budget
     * @return this builder
     */
    public B turnTimeout(Duration turnTimeout) {
        if (turnTimeout != null && (turnTimeout.isZero() || turnTimeout.isNegative())) {
            throw new IllegalArgumentException("turnTimeout must be positive, was " + turnTimeout);
        }
        if (turnTimeout != null) {
            Durations.requireRepresentable("turnTimeout (null for no budget)", turnTimeout);
        }
        this.turnTimeout = turnTimeout;
        return self();
    }

    /**
     * The most calls one AI message may hold; a larger batch runs nothing and every call gets
     * {@code BATCH_TOO_LARGE}. Default {@value ParallelToolsConfig#DEFAULT_MAX_BATCH_SIZE}.
     *
     * @param maxBatchSize at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public B maxBatchSize(int maxBatchSize) {
        this.maxBatchSize = cap("maxBatchSize", maxBatchSize, 1);
        return self();
    }

    /**
     * The policy of tools with neither {@code @ParallelSafe} nor {@code @Writes}, and of provider tools with
     * no policy by name. Default {@link ToolPolicy#exclusiveWrite()}: they run alone.
     *
     * @param policy the policy
     * @return this builder
     */
    public B defaultPolicy(ToolPolicy policy) {
        this.defaultPolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Gives a tool a policy by name, for tools you cannot annotate (from a {@code ToolProvider}, MCP, a
     * library). It wins over the tool's annotations.
     *
     * @param toolName the tool's name
     * @param policy its policy
     * @return this builder
     */
    public B toolPolicy(String toolName, ToolPolicy policy) {
        if (toolName == null || toolName.isBlank()) {
            throw new IllegalArgumentException("A tool name must not be blank");
        }
        toolPolicies.put(toolName, Objects.requireNonNull(policy, "policy"));
        return self();
    }

    /**
     * Limits calls to an integration (named by {@code @Integration} or {@link ToolPolicy#withIntegration}).
     *
     * @param name the integration's name
     * @param limits its limits
     * @return this builder
     */
    public B integration(String name, IntegrationLimits limits) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An integration name must not be blank");
        }
        integrations.put(name, Objects.requireNonNull(limits, "limits"));
        return self();
    }

    /**
     * Caps how many calls run at once in the JVM (over every turn and integration of this instance). Waiting
     * calls hold no thread and are admitted in the order they became ready; a call takes this slot last, once its
     * resource-key locks, integration slot and rate permit are held, so a call stuck behind a lock or a limit
     * never holds one of these slots. Default: no cap.
     *
     * @param maxConcurrentCalls at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public B maxConcurrentCalls(int maxConcurrentCalls) {
        this.maxConcurrentCalls = cap("maxConcurrentCalls", maxConcurrentCalls, 1);
        return self();
    }

    /**
     * Caps how many calls of one turn run at once. Default: no cap.
     *
     * @param maxConcurrentCallsPerTurn at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public B maxConcurrentCallsPerTurn(int maxConcurrentCallsPerTurn) {
        this.maxConcurrentCallsPerTurn = cap("maxConcurrentCallsPerTurn", maxConcurrentCallsPerTurn, 1);
        return self();
    }

    /**
     * The most retries (of all calls together, under their {@code @Retry} policies) one turn may make, so that
     * retries cannot double a turn's latency. Default 10.
     *
     * @param maxRetriesPerTurn 0 or more
     * @return this builder
     */
    public B maxRetriesPerTurn(int maxRetriesPerTurn) {
        if (maxRetriesPerTurn < 0) {
            throw new IllegalArgumentException("maxRetriesPerTurn must not be negative, was " + maxRetriesPerTurn);
        }
        this.maxRetriesPerTurn = maxRetriesPerTurn;
        return self();
    }

    /**
     * How many times one call is run again after its tool throws {@link RateLimitedException} (an upstream
     * 429), each time after the upstream's retry-after, within the budget. Default 3.
     *
     * @param rateLimitRetries 0 or more
     * @return this builder
     */
    public B rateLimitRetries(int rateLimitRetries) {
        if (rateLimitRetries < 0) {
            throw new IllegalArgumentException("rateLimitRetries must not be negative, was " + rateLimitRetries);
        }
        this.rateLimitRetries = rateLimitRetries;
        return self();
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
    public B maxRetryAfter(Duration maxRetryAfter) {
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative() || maxRetryAfter.isZero()) {
            throw new IllegalArgumentException("maxRetryAfter must be positive, was " + maxRetryAfter);
        }
        this.maxRetryAfter = Durations.requireRepresentable("maxRetryAfter", maxRetryAfter);
        return self();
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
    public B rateLimitKey(Function<InvocationContext, Object> rateLimitKey) {
        this.rateLimitKey = Objects.requireNonNull(rateLimitKey, "rateLimitKey");
        return self();
    }

    /**
     * The most characters of one observation; a longer result is cut (still valid JSON, saying what it left
     * out) and marked truncated with its original size. With no cap, the turn's budget
     * ({@link #maxTurnObservationChars}) and the token limit still apply. Default 16 000.
     *
     * @param maxObservationChars at least 256, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public B maxObservationChars(int maxObservationChars) {
        this.maxObservationChars =
                cap("maxObservationChars", maxObservationChars, ParallelToolsConfig.MIN_OBSERVATION_CHARS);
        return self();
    }

    /**
     * The most characters of one turn's observations together, shared fairly: observations under an equal
     * share stay whole, large ones split what is left equally (each keeps at least 256). Applies to batches the
     * library runs whole (not to calls that run alone, nor to batches with calls of tools it does not run).
     * Default 48 000.
     *
     * @param maxTurnObservationChars at least 256, or {@link ParallelToolsConfig#NO_LIMIT 0} for no turn budget
     * @return this builder
     */
    public B maxTurnObservationChars(int maxTurnObservationChars) {
        this.maxTurnObservationChars =
                cap("maxTurnObservationChars", maxTurnObservationChars, ParallelToolsConfig.MIN_OBSERVATION_CHARS);
        return self();
    }

    /**
     * Also limits each observation in tokens, as counted by a LangChain4j {@code TokenCountEstimator} (the
     * model provider's, for instance {@code OpenAiTokenCountEstimator}); the character limits still apply.
     * Default: no token limit.
     *
     * @param maxTokens at least 64, or {@link ParallelToolsConfig#NO_LIMIT 0} for no token limit
     * @param estimator counts tokens
     * @return this builder
     */
    public B maxObservationTokens(int maxTokens, TokenCountEstimator estimator) {
        this.maxObservationTokens = cap("maxObservationTokens", maxTokens, ParallelToolsConfig.MIN_OBSERVATION_TOKENS);
        this.tokenCountEstimator = Objects.requireNonNull(estimator, "estimator");
        return self();
    }

    /**
     * Overrides the observation limit of one tool; 0 means its results are never cut (not even by the turn's
     * budget).
     *
     * @param toolName the tool's name
     * @param maxChars 0, or at least 256
     * @return this builder
     */
    public B toolObservationChars(String toolName, int maxChars) {
        if (toolName == null || toolName.isBlank()) {
            throw new IllegalArgumentException("A tool name must not be blank");
        }
        if (maxChars != 0 && maxChars < ParallelToolsConfig.MIN_OBSERVATION_CHARS) {
            throw new IllegalArgumentException("The observation limit of tool '" + toolName + "' must be 0 or at least "
                    + ParallelToolsConfig.MIN_OBSERVATION_CHARS + ", was " + maxChars);
        }
        toolObservationChars.put(toolName, maxChars);
        return self();
    }

    /**
     * Whether identical reads in one AI message (same tool, equal arguments) run once and share the result;
     * each still gets its own observation, which says so. Writes are never deduplicated. Default true.
     *
     * @param deduplicateReads whether to deduplicate
     * @return this builder
     */
    public B deduplicateReads(boolean deduplicateReads) {
        this.deduplicateReads = deduplicateReads;
        return self();
    }

    /**
     * Whether to append one sentence to each installed tool's description saying how it is scheduled
     * ("Read-only: safe to call in parallel..." or "Changes state: ... in the order you emit them"), so that
     * models batch reads. Default false (descriptions are left as written).
     *
     * @param describeScheduling whether to append the sentence
     * @return this builder
     */
    public B describeScheduling(boolean describeScheduling) {
        this.describeScheduling = describeScheduling;
        return self();
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
    public B keepTruncatedResults(long maxChars, Duration keepFor) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
        }
        Objects.requireNonNull(keepFor, "keepFor");
        if (keepFor.isZero() || keepFor.isNegative()) {
            throw new IllegalArgumentException("keepFor must be positive, was " + keepFor);
        }
        Durations.requireRepresentable("keepFor", keepFor);
        this.keptResultChars = maxChars;
        this.keepResultsFor = keepFor;
        return self();
    }

    /**
     * Whether reads cached with {@code @CacheFor} / {@link ToolPolicy#cacheFor} are shared by every conversation
     * of an AI service (for data that is the same for everyone), instead of kept per conversation. Either way a
     * cached read is only ever seen by the AI service ({@link ParallelTools#install installation}) whose tool produced it.
     * Default false.
     *
     * @param share whether to share
     * @return this builder
     */
    public B shareCachedReads(boolean share) {
        this.shareCachedReads = share;
        return self();
    }

    /**
     * Tells a listener about every finished turn: its plan and each call's outcome and timings, for traces,
     * metrics, logs, or a {@link io.github.parallel4j.observe.TurnTimeline}.
     *
     * @param listener the listener
     * @return this builder
     */
    public B turnListener(TurnListener listener) {
        turnListeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    /**
     * Lets an observer follow every turn and call while they run, for tracing (a span per turn and per call
     * attempt, on the tool's thread) and metrics. The Spring Boot starter registers one for Micrometer.
     *
     * @param observer the observer
     * @return this builder
     */
    public B turnObserver(TurnObserver observer) {
        turnObservers.add(Objects.requireNonNull(observer, "observer"));
        return self();
    }

    /**
     * What tool results look like to the model. Default {@link ObservationFormat#ENVELOPE}.
     *
     * @param format the format
     * @return this builder
     */
    public B observationFormat(ObservationFormat format) {
        this.observationFormat = Objects.requireNonNull(format, "format");
        return self();
    }

    /**
     * Who turns a tool's exception into what the model sees. Default {@link ToolErrorHandling#OBSERVATION}.
     *
     * @param handling the choice
     * @return this builder
     */
    public B toolErrorHandling(ToolErrorHandling handling) {
        this.toolErrorHandling = Objects.requireNonNull(handling, "handling");
        return self();
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
    public B executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return self();
    }

    /**
     * The time source for latencies and budgets. Default {@link Ticker#system()}.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public B ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return self();
    }

    /**
     * The timer of turn budgets, tool timeouts, delayed retries and the other waits of a turn. Only the library's
     * own short steps run on it (cancelling a call, waking a waiting one), never a tool nor a listener, so one
     * thread serves every turn. Give one to run those waits on a fake clock in tests, together with
     * {@link #ticker}. Default: one daemon timer thread shared by every {@link ParallelTools} in the JVM. A timer
     * you give is left as it is (the library never shuts it down).
     *
     * @param timer the timer
     * @return this builder
     */
    public B timer(ScheduledExecutorService timer) {
        this.timer = Objects.requireNonNull(timer, "timer");
        return self();
    }

    /**
     * Carries more thread-bound context to tool threads; the MDC is always carried.
     *
     * @param propagator the propagator
     * @return this builder
     */
    public B contextPropagator(ContextPropagator propagator) {
        contextPropagators.add(Objects.requireNonNull(propagator, "propagator"));
        return self();
    }

    /** A cap's value: 0 for no cap, else at least {@code least}. */
    private static int cap(String setting, int value, int least) {
        if (value != ParallelToolsConfig.NO_LIMIT && value < least) {
            throw new IllegalArgumentException(setting + " must be at least " + least + ", or 0 for no limit, was "
                    + value);
        }
        return value;
    }
}
