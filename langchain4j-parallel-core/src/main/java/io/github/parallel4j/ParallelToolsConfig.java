package io.github.parallel4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.parallel4j.internal.policy.Durations;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Every setting of a {@link ParallelTools}, as one immutable value: what {@link ParallelToolsBuilder} builds and
 * {@link ParallelTools#config()} reads back. Make one with {@link #custom()}, start from another with
 * {@link #from(ParallelToolsConfig)}, and run it with {@link ParallelTools#of(ParallelToolsConfig)}:
 *
 * <pre>{@code
 * ParallelToolsConfig config = ParallelToolsConfig.custom()
 *         .turnTimeout(Duration.ofSeconds(30))
 *         .maxConcurrentCalls(32)
 *         .build();
 * ParallelTools parallel = ParallelTools.of(config);
 * ParallelTools stricter = ParallelTools.of(ParallelToolsConfig.from(config).maxBatchSize(16).build());
 * }</pre>
 *
 * <p><b>Zero.</b> A setting that caps how much may happen (calls in a message, calls at once, characters or tokens
 * of an observation) takes 0 for "no cap"; {@link #NO_LIMIT} names it. A count of retries takes 0 for "no retries".
 * The time budget of a turn has no zero: it is absent for "no budget". The characters kept for
 * {@link ParallelToolsBuilder#keepTruncatedResults read-back} are held in memory and so are never unbounded.
 *
 * <p>Every setter checks its value and throws an {@link IllegalArgumentException} naming the setting and the bad
 * value. Immutable and thread-safe; the listeners, observers, executor and other objects it holds are the ones you
 * gave, shared by every {@link ParallelTools} built from it.
 */
public final class ParallelToolsConfig {

    /** The value of a cap that means "no cap". */
    public static final int NO_LIMIT = 0;
    /** The least an observation may be cut to: enough to say what it was and that it was cut. */
    public static final int MIN_OBSERVATION_CHARS = 256;
    /** The least token limit of one observation. */
    public static final int MIN_OBSERVATION_TOKENS = 64;

    /** The budget of one turn: 60 s. */
    public static final Duration DEFAULT_TURN_TIMEOUT = Duration.ofSeconds(60);
    /** The most calls of one AI message: 64. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 64;
    /** No cap on calls running at once in the JVM. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = NO_LIMIT;
    /** No cap on calls of one turn running at once. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_TURN = NO_LIMIT;
    /** Retries (under {@code @Retry}) of all calls of one turn together: 10. */
    public static final int DEFAULT_MAX_RETRIES_PER_TURN = 10;
    /** Re-runs of one call after an upstream 429: 3. */
    public static final int DEFAULT_RATE_LIMIT_RETRIES = 3;
    /** The longest upstream retry-after honoured: 5 minutes. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Durations.DEFAULT_MAX_RETRY_AFTER;
    /** The most characters of one observation: 16 000. */
    public static final int DEFAULT_MAX_OBSERVATION_CHARS = 16_000;
    /** The most characters of one turn's observations together: 48 000. */
    public static final int DEFAULT_MAX_TURN_OBSERVATION_CHARS = 48_000;
    /** No token limit on an observation. */
    public static final int DEFAULT_MAX_OBSERVATION_TOKENS = NO_LIMIT;
    /** Identical reads of one message run once: true. */
    public static final boolean DEFAULT_DEDUPLICATE_READS = true;
    /** Tool descriptions are left as written: false. */
    public static final boolean DEFAULT_DESCRIBE_SCHEDULING = false;
    /** Cached reads are kept per conversation: false. */
    public static final boolean DEFAULT_SHARE_CACHED_READS = false;
    /** Results come back in the JSON envelope. */
    public static final ObservationFormat DEFAULT_OBSERVATION_FORMAT = ObservationFormat.ENVELOPE;
    /** A tool's exception becomes an observation the library writes. */
    public static final ToolErrorHandling DEFAULT_TOOL_ERROR_HANDLING = ToolErrorHandling.OBSERVATION;

    private static final ParallelToolsConfig DEFAULTS = custom().build();

    private final Map<String, ToolPolicy> toolPolicies;
    private final ToolPolicy defaultPolicy;
    private final Map<String, IntegrationLimits> integrations;
    private final Duration turnTimeout;
    private final int maxBatchSize;
    private final int maxConcurrentCalls;
    private final int maxConcurrentCallsPerTurn;
    private final int maxRetriesPerTurn;
    private final int rateLimitRetries;
    private final Duration maxRetryAfter;
    private final Function<InvocationContext, Object> rateLimitKey;
    private final int maxObservationChars;
    private final int maxTurnObservationChars;
    private final Map<String, Integer> toolObservationChars;
    private final int maxObservationTokens;
    private final TokenCountEstimator tokenCountEstimator;
    private final long keptResultChars;
    private final Duration keepResultsFor;
    private final boolean deduplicateReads;
    private final boolean describeScheduling;
    private final boolean shareCachedReads;
    private final ObservationFormat observationFormat;
    private final ToolErrorHandling toolErrorHandling;
    private final List<TurnListener> turnListeners;
    private final List<TurnObserver> turnObservers;
    private final List<ContextPropagator> contextPropagators;
    private final Executor executor;
    private final SharedLimits sharedLimits;
    private final Ticker ticker;
    private final ScheduledExecutorService timer;

    ParallelToolsConfig(Settings b) {
        this.toolPolicies = Collections.unmodifiableMap(new LinkedHashMap<>(b.toolPolicies));
        this.defaultPolicy = b.defaultPolicy;
        this.integrations = Collections.unmodifiableMap(new LinkedHashMap<>(b.integrations));
        this.turnTimeout = b.turnTimeout;
        this.maxBatchSize = b.maxBatchSize;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.maxConcurrentCallsPerTurn = b.maxConcurrentCallsPerTurn;
        this.maxRetriesPerTurn = b.maxRetriesPerTurn;
        this.rateLimitRetries = b.rateLimitRetries;
        this.maxRetryAfter = b.maxRetryAfter;
        this.rateLimitKey = b.rateLimitKey;
        this.maxObservationChars = b.maxObservationChars;
        this.maxTurnObservationChars = b.maxTurnObservationChars;
        this.toolObservationChars = Collections.unmodifiableMap(new LinkedHashMap<>(b.toolObservationChars));
        this.maxObservationTokens = b.maxObservationTokens;
        this.tokenCountEstimator = b.tokenCountEstimator;
        this.keptResultChars = b.keptResultChars;
        this.keepResultsFor = b.keepResultsFor;
        this.deduplicateReads = b.deduplicateReads;
        this.describeScheduling = b.describeScheduling;
        this.shareCachedReads = b.shareCachedReads;
        this.observationFormat = b.observationFormat;
        this.toolErrorHandling = b.toolErrorHandling;
        this.turnListeners = List.copyOf(b.turnListeners);
        this.turnObservers = List.copyOf(b.turnObservers);
        this.contextPropagators = List.copyOf(b.contextPropagators);
        this.executor = b.executor;
        this.sharedLimits = b.sharedLimits;
        this.ticker = b.ticker;
        this.timer = b.timer;
    }

    /** @return the configuration with every default described on {@link ParallelToolsBuilder}'s methods */
    public static ParallelToolsConfig ofDefaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults, whose {@code build()} makes a configuration */
    public static ParallelToolsBuilder<ParallelToolsConfig> custom() {
        return new ParallelToolsBuilder<>(null, config -> config);
    }

    /**
     * @param base the configuration to start from
     * @return a builder holding every setting of {@code base}
     */
    public static ParallelToolsBuilder<ParallelToolsConfig> from(ParallelToolsConfig base) {
        return new ParallelToolsBuilder<>(Objects.requireNonNull(base, "base"), config -> config);
    }

    /** @return policies given by tool name; they win over annotations */
    public Map<String, ToolPolicy> toolPolicies() {
        return toolPolicies;
    }

    /** @return the policy of tools with neither {@code @ParallelSafe} nor {@code @Writes} */
    public ToolPolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** @return the limits by integration name, in the order they were given */
    public Map<String, IntegrationLimits> integrations() {
        return integrations;
    }

    /** @return the budget of one turn, or empty for no budget */
    public Optional<Duration> turnTimeout() {
        return Optional.ofNullable(turnTimeout);
    }

    /** @return the most calls of one AI message, {@link #NO_LIMIT} for no cap */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return the most calls running at once in the JVM, {@link #NO_LIMIT} for no cap */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** @return the most calls of one turn running at once, {@link #NO_LIMIT} for no cap */
    public int maxConcurrentCallsPerTurn() {
        return maxConcurrentCallsPerTurn;
    }

    /** @return the most retries of one turn, 0 for none */
    public int maxRetriesPerTurn() {
        return maxRetriesPerTurn;
    }

    /** @return how many times one call is run again after an upstream 429, 0 for never */
    public int rateLimitRetries() {
        return rateLimitRetries;
    }

    /** @return the longest retry-after of an upstream that is honoured */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** @return what per-key rates are keyed by */
    public Function<InvocationContext, Object> rateLimitKey() {
        return rateLimitKey;
    }

    /** @return the most characters of one observation, {@link #NO_LIMIT} for no cap */
    public int maxObservationChars() {
        return maxObservationChars;
    }

    /** @return the most characters of one turn's observations together, {@link #NO_LIMIT} for no cap */
    public int maxTurnObservationChars() {
        return maxTurnObservationChars;
    }

    /** @return per-tool observation limits by tool name; 0 means never cut */
    public Map<String, Integer> toolObservationChars() {
        return toolObservationChars;
    }

    /** @return the most tokens of one observation, {@link #NO_LIMIT} for no token limit */
    public int maxObservationTokens() {
        return maxObservationTokens;
    }

    /** @return what counts tokens for {@link #maxObservationTokens()}, if given */
    public Optional<TokenCountEstimator> tokenCountEstimator() {
        return Optional.ofNullable(tokenCountEstimator);
    }

    /** @return the most characters of cut results kept for read-back, 0 when none are kept */
    public long keptResultChars() {
        return keptResultChars;
    }

    /** @return how long a cut result is kept for read-back, empty when none are kept */
    public Optional<Duration> keepResultsFor() {
        return Optional.ofNullable(keepResultsFor);
    }

    /** @return whether identical reads of one AI message run once */
    public boolean deduplicateReads() {
        return deduplicateReads;
    }

    /** @return whether each tool's description says how it is scheduled */
    public boolean describeScheduling() {
        return describeScheduling;
    }

    /** @return whether cached reads are shared by every conversation of an AI service */
    public boolean shareCachedReads() {
        return shareCachedReads;
    }

    /** @return what tool results look like to the model */
    public ObservationFormat observationFormat() {
        return observationFormat;
    }

    /** @return who turns a tool's exception into what the model sees */
    public ToolErrorHandling toolErrorHandling() {
        return toolErrorHandling;
    }

    /** @return the listeners told about every finished turn */
    public List<TurnListener> turnListeners() {
        return turnListeners;
    }

    /** @return the observers that follow turns and calls as they run */
    public List<TurnObserver> turnObservers() {
        return turnObservers;
    }

    /** @return the propagators of thread-bound context besides the MDC, which is always carried */
    public List<ContextPropagator> contextPropagators() {
        return contextPropagators;
    }

    /** @return the backend of limits shared outside this instance, empty when every limit is its own */
    public Optional<SharedLimits> sharedLimits() {
        return Optional.ofNullable(sharedLimits);
    }

    /** @return the executor that runs tools, empty for the library's default */
    public Optional<Executor> executor() {
        return Optional.ofNullable(executor);
    }

    /** @return the time source of latencies and budgets */
    public Ticker ticker() {
        return ticker;
    }

    /** @return the timer of budgets, timeouts and delayed retries, empty for the library's shared daemon timer */
    public Optional<ScheduledExecutorService> timer() {
        return Optional.ofNullable(timer);
    }

    @Override
    public String toString() {
        return "ParallelToolsConfig{turnTimeout=" + turnTimeout + ", maxBatchSize=" + maxBatchSize
                + ", maxConcurrentCalls=" + maxConcurrentCalls + ", maxConcurrentCallsPerTurn="
                + maxConcurrentCallsPerTurn + ", maxRetriesPerTurn=" + maxRetriesPerTurn + ", rateLimitRetries="
                + rateLimitRetries + ", maxRetryAfter=" + maxRetryAfter + ", maxObservationChars=" + maxObservationChars
                + ", maxTurnObservationChars=" + maxTurnObservationChars + ", toolObservationChars="
                + toolObservationChars + ", maxObservationTokens=" + maxObservationTokens + ", keptResultChars="
                + keptResultChars + ", keepResultsFor=" + keepResultsFor + ", deduplicateReads=" + deduplicateReads
                + ", describeScheduling=" + describeScheduling + ", shareCachedReads=" + shareCachedReads
                + ", observationFormat=" + observationFormat + ", toolErrorHandling=" + toolErrorHandling
                + ", defaultPolicy=" + defaultPolicy + ", toolPolicies=" + toolPolicies.keySet() + ", integrations="
                + integrations + '}';
    }
}
