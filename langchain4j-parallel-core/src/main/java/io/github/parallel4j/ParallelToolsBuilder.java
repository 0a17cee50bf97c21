package io.github.parallel4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Collects the settings of a {@link ParallelTools}, with the same setters for both uses: from
 * {@link ParallelTools#builder()}, {@link #build()} makes the instance; from {@link ParallelToolsConfig#custom()} or
 * {@link ParallelToolsConfig#from(ParallelToolsConfig)}, the configuration, to run with {@link ParallelTools#of}.
 *
 * <pre>{@code
 * ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofSeconds(30)).maxBatchSize(16).build();
 * ParallelToolsConfig wider = ParallelToolsConfig.from(parallel.config()).maxBatchSize(32).build();
 * ParallelTools second = ParallelTools.of(wider);           // every other setting as in parallel
 * }</pre>
 *
 * <p>Each setter checks its value at once (an {@link IllegalArgumentException} names the setting and the bad value)
 * and says its default, a {@code DEFAULT_*} constant of {@link ParallelToolsConfig}. {@link #build()} copies the
 * settings: build again after more setters, and what was built stays as it was. Not thread-safe; what it builds is.
 *
 * @param <T> what {@link #build()} makes: {@link ParallelTools} or {@link ParallelToolsConfig}
 */
public final class ParallelToolsBuilder<T> {

    private final Settings settings;
    private final Function<ParallelToolsConfig, T> make;

    /** Starts from the defaults, or from every setting of {@code base} when it is not null. */
    ParallelToolsBuilder(ParallelToolsConfig base, Function<ParallelToolsConfig, T> make) {
        this.settings = base == null ? new Settings() : new Settings(base);
        this.make = make;
    }

    /** @return the {@link ParallelTools} or the {@link ParallelToolsConfig}, from the settings held now */
    public T build() {
        return make.apply(new ParallelToolsConfig(settings));
    }

    /**
     * The wall-clock budget of one turn (one AI message's calls). Default 60 s. Without a budget a turn waits for
     * its slowest call, however long; each call's own timeout still applies.
     *
     * @param turnTimeout positive and at most about 292 years (the longest a nanosecond clock counts; a longer one
     *     such as {@code ChronoUnit.FOREVER} is refused); or {@link Duration#ZERO} or null for no budget, read back
     *     as an empty {@link ParallelToolsConfig#turnTimeout()} (see "Zero" in {@link ParallelToolsConfig})
     * @return this builder
     */
    public ParallelToolsBuilder<T> turnTimeout(Duration turnTimeout) {
        settings.turnTimeout = turnTimeout == null || turnTimeout.isZero() ? null
                : Settings.positive("turnTimeout", turnTimeout, "turnTimeout (0 or null for no budget)");
        return this;
    }

    /**
     * The most calls one AI message may hold; a larger batch runs nothing and every call gets
     * {@code BATCH_TOO_LARGE}. Default {@value ParallelToolsConfig#DEFAULT_MAX_BATCH_SIZE}.
     *
     * @param maxBatchSize at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxBatchSize(int maxBatchSize) {
        settings.maxBatchSize = Settings.cap("maxBatchSize", maxBatchSize, 1);
        return this;
    }

    /**
     * The policy of tools with neither {@code @ParallelSafe} nor {@code @Writes}, and of provider tools with
     * no policy by name. Default {@link ToolPolicy#exclusiveWrite()}: they run alone.
     *
     * @param policy the policy
     * @return this builder
     */
    public ParallelToolsBuilder<T> defaultPolicy(ToolPolicy policy) {
        settings.defaultPolicy = Objects.requireNonNull(policy, "policy");
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
    public ParallelToolsBuilder<T> toolPolicy(String toolName, ToolPolicy policy) {
        settings.toolPolicies.put(Settings.name("A tool", toolName), Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /**
     * Limits calls to an integration (named by {@code @Integration} or {@link ToolPolicy#withIntegration}).
     *
     * @param name the integration's name
     * @param limits its limits
     * @return this builder
     */
    public ParallelToolsBuilder<T> integration(String name, IntegrationLimits limits) {
        settings.integrations.put(Settings.name("An integration", name), Objects.requireNonNull(limits, "limits"));
        return this;
    }

    /**
     * Caps how many calls of this instance run at once. Waiting calls hold no thread and are admitted in the order
     * they became ready; a call takes this slot last, once its locks, integration slot and rate permit are held, so
     * a call stuck behind a lock or a limit never holds one. Default: no cap.
     *
     * @param maxConcurrentCalls at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxConcurrentCalls(int maxConcurrentCalls) {
        settings.maxConcurrentCalls = Settings.cap("maxConcurrentCalls", maxConcurrentCalls, 1);
        return this;
    }

    /**
     * Caps how many calls of one turn run at once. Default: no cap.
     *
     * @param maxConcurrentCallsPerTurn at least 1, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxConcurrentCallsPerTurn(int maxConcurrentCallsPerTurn) {
        settings.maxConcurrentCallsPerTurn = Settings.cap("maxConcurrentCallsPerTurn", maxConcurrentCallsPerTurn, 1);
        return this;
    }

    /**
     * The most retries (of all calls together, under their {@code @Retry} policies) one turn may make, so that
     * retries cannot double a turn's latency. Default 10.
     *
     * @param maxRetriesPerTurn 0 or more
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxRetriesPerTurn(int maxRetriesPerTurn) {
        settings.maxRetriesPerTurn = Settings.count("maxRetriesPerTurn", maxRetriesPerTurn);
        return this;
    }

    /**
     * How many times one call is run again after its tool throws {@link RateLimitedException} (an upstream
     * 429), each time after the upstream's retry-after, within the budget. Default 3.
     *
     * @param rateLimitRetries 0 or more
     * @return this builder
     */
    public ParallelToolsBuilder<T> rateLimitRetries(int rateLimitRetries) {
        settings.rateLimitRetries = Settings.count("rateLimitRetries", rateLimitRetries);
        return this;
    }

    /**
     * The longest retry-after of an upstream the library honours. A call asked to wait longer (a header in ms read
     * as seconds, an outage page) is answered {@code RATE_LIMITED} at once and its integration paused for this long
     * only: one bad header can neither hang a call nor stop an integration for hours. Default 5 minutes.
     *
     * @param maxRetryAfter positive
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxRetryAfter(Duration maxRetryAfter) {
        settings.maxRetryAfter = Settings.positive("maxRetryAfter", maxRetryAfter, "maxRetryAfter");
        return this;
    }

    /**
     * What {@link IntegrationLimits.Builder#perKeyRate per-key rates} are keyed by. Default: the conversation (the
     * AI service's chat memory id), or, when the method has no {@code @MemoryId} (LangChain4j then gives every
     * invocation the memory id "default"), the invocation: one user's calls never use up another's allowance. A
     * tenant: {@code context -> context.invocationParameters().get("tenant")}. A null key skips per-key rates.
     *
     * @param rateLimitKey derives the key from an AI service invocation
     * @return this builder
     */
    public ParallelToolsBuilder<T> rateLimitKey(Function<InvocationContext, Object> rateLimitKey) {
        settings.rateLimitKey = Objects.requireNonNull(rateLimitKey, "rateLimitKey");
        return this;
    }

    /**
     * The most characters of one observation; a longer result is cut (still valid JSON, saying what it left
     * out) and marked truncated with its original size. With no cap, the turn's budget
     * ({@link #maxTurnObservationChars}) and the token limit still apply. Default 16 000.
     *
     * @param maxObservationChars at least 256, or {@link ParallelToolsConfig#NO_LIMIT 0} for no cap
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxObservationChars(int maxObservationChars) {
        settings.maxObservationChars = Settings.chars("maxObservationChars", maxObservationChars);
        return this;
    }

    /**
     * The most characters of one turn's observations together, shared fairly: observations under an equal share
     * stay whole, large ones split what is left equally (each keeps at least 256). Applies to batches the library
     * runs whole, streamed messages included (not to batches with tools it does not run). Default 48 000.
     *
     * @param maxTurnObservationChars at least 256, or {@link ParallelToolsConfig#NO_LIMIT 0} for no turn budget
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxTurnObservationChars(int maxTurnObservationChars) {
        settings.maxTurnObservationChars = Settings.chars("maxTurnObservationChars", maxTurnObservationChars);
        return this;
    }

    /**
     * Also limits each observation in tokens, as counted by a LangChain4j {@code TokenCountEstimator} (the model
     * provider's, such as {@code OpenAiTokenCountEstimator}); the character limits still apply. Default: none.
     *
     * @param maxTokens at least 64, or {@link ParallelToolsConfig#NO_LIMIT 0} for no token limit
     * @param estimator counts tokens
     * @return this builder
     */
    public ParallelToolsBuilder<T> maxObservationTokens(int maxTokens, TokenCountEstimator estimator) {
        settings.maxObservationTokens =
                Settings.cap("maxObservationTokens", maxTokens, ParallelToolsConfig.MIN_OBSERVATION_TOKENS);
        settings.tokenCountEstimator = Objects.requireNonNull(estimator, "estimator");
        return this;
    }

    /**
     * Overrides the observation limit of one tool; 0 means its results are never cut (not even by the turn's budget).
     *
     * @param toolName the tool's name
     * @param maxChars 0, or at least 256
     * @return this builder
     */
    public ParallelToolsBuilder<T> toolObservationChars(String toolName, int maxChars) {
        settings.toolObservationChars.put(Settings.name("A tool", toolName), Settings.toolChars(toolName, maxChars));
        return this;
    }

    /**
     * Whether identical reads in one AI message (same tool, equal arguments) run once and share the result;
     * each still gets its own observation, which says so. Writes are never deduplicated. Default true.
     *
     * @param deduplicateReads whether to deduplicate
     * @return this builder
     */
    public ParallelToolsBuilder<T> deduplicateReads(boolean deduplicateReads) {
        settings.deduplicateReads = deduplicateReads;
        return this;
    }

    /**
     * Whether to append one sentence to each installed tool's description saying how it is scheduled ("Read-only:
     * safe to call in parallel..." or "Changes state: ... in the order you emit them"). Default false.
     *
     * @param describeScheduling whether to append the sentence
     * @return this builder
     */
    public ParallelToolsBuilder<T> describeScheduling(boolean describeScheduling) {
        settings.describeScheduling = describeScheduling;
        return this;
    }

    /**
     * Keeps the full results that were cut (in a Caffeine cache bounded by total characters and time), names each
     * by a {@code "handle"} in its observation, and installs a {@code read_result(handle, offset, length)} tool with
     * which the model reads the rest. A handle can only be read from the conversation (chat memory id; without one,
     * the AI service invocation) that received it, through the AI service that kept it. Off by default.
     *
     * @param maxChars the most characters kept in all, positive
     * @param keepFor how long each result is kept, positive
     * @return this builder
     */
    public ParallelToolsBuilder<T> keepTruncatedResults(long maxChars, Duration keepFor) {
        settings.keep(maxChars, keepFor);
        return this;
    }

    /**
     * Whether reads cached with {@code @CacheFor} / {@link ToolPolicy#cacheFor} are shared by every conversation of
     * an AI service (data the same for everyone), not kept per conversation. Either way a cached read is only seen
     * by the AI service ({@link ParallelTools#install installation}) whose tool made it. Default false.
     *
     * @param share whether to share
     * @return this builder
     */
    public ParallelToolsBuilder<T> shareCachedReads(boolean share) {
        settings.shareCachedReads = share;
        return this;
    }

    /**
     * Tells a listener about every finished turn: its plan and each call's outcome and timings, for traces,
     * metrics, logs, or a {@link io.github.parallel4j.observe.TurnTimeline}.
     *
     * @param listener the listener
     * @return this builder
     */
    public ParallelToolsBuilder<T> turnListener(TurnListener listener) {
        settings.turnListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Lets an observer follow every turn and call while they run, for tracing (a span per turn and per call
     * attempt, on the tool's thread) and metrics. The Spring Boot starter registers one for Micrometer.
     *
     * @param observer the observer
     * @return this builder
     */
    public ParallelToolsBuilder<T> turnObserver(TurnObserver observer) {
        settings.turnObservers.add(Objects.requireNonNull(observer, "observer"));
        return this;
    }

    /**
     * What tool results look like to the model. Default {@link ObservationFormat#ENVELOPE}.
     *
     * @param format the format
     * @return this builder
     */
    public ParallelToolsBuilder<T> observationFormat(ObservationFormat format) {
        settings.observationFormat = Objects.requireNonNull(format, "format");
        return this;
    }

    /**
     * Who turns a tool's exception into what the model sees. Default {@link ToolErrorHandling#OBSERVATION}.
     *
     * @param handling the choice
     * @return this builder
     */
    public ParallelToolsBuilder<T> toolErrorHandling(ToolErrorHandling handling) {
        settings.toolErrorHandling = Objects.requireNonNull(handling, "handling");
        return this;
    }

    /**
     * The executor that runs tools, each task on another thread, once the call's locks, caps and permits are held:
     * it needs a thread per call running at once, plus one per call abandoned at its budget until it returns
     * ({@link ParallelTools#abandonedCalls()}); a streamed call handed over from the stream's thread waits on a
     * thread of the library's own, never here. Default: as LangChain4j's for {@code executeToolsConcurrently()}:
     * virtual threads on Java 21+, else an elastic daemon pool. Yours is left as it is; a
     * {@link java.util.concurrent.ThreadPoolExecutor} smaller than your caps let run gets a WARN at build.
     *
     * @param executor the executor
     * @return this builder
     */
    public ParallelToolsBuilder<T> executor(Executor executor) {
        settings.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * The time source for latencies and budgets. Default {@link Ticker#system()}. Every deadline of a turn (budget,
     * pauses, retry-afters, rate permits) is read on it, so it must be monotonic like {@link System#nanoTime()}: one
     * that stands still never ends a budget, one that jumps moves every deadline. In tests, give it with a
     * {@link #timer} that follows it.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public ParallelToolsBuilder<T> ticker(Ticker ticker) {
        settings.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /**
     * The timer of budgets, tool timeouts, delayed retries and the other waits of a turn. Only the library's short
     * steps run on it (cancelling a call, waking one), never a tool nor a listener. Give one to run those waits on
     * a fake clock in tests, with {@link #ticker}. Default: one daemon thread shared by every {@link ParallelTools}
     * in the JVM. Yours is left as it is (never shut down).
     *
     * @param timer the timer
     * @return this builder
     */
    public ParallelToolsBuilder<T> timer(ScheduledExecutorService timer) {
        settings.timer = Objects.requireNonNull(timer, "timer");
        return this;
    }

    /**
     * Carries more thread-bound context to tool threads (see {@link ContextPropagator}); the MDC is always carried.
     *
     * @param propagator the propagator
     * @return this builder
     */
    public ParallelToolsBuilder<T> contextPropagator(ContextPropagator propagator) {
        settings.contextPropagators.add(Objects.requireNonNull(propagator, "propagator"));
        return this;
    }

    /**
     * Holds the limits together with every JVM given the same backend: see {@link SharedLimits}. Default: none.
     *
     * @param sharedLimits the backend, for instance {@code RedisSharedLimits.builder(redisson).build()}
     * @return this builder
     */
    public ParallelToolsBuilder<T> sharedLimits(SharedLimits sharedLimits) {
        settings.sharedLimits = Objects.requireNonNull(sharedLimits, "sharedLimits");
        return this;
    }
}
