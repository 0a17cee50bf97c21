package io.github.parallel4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.parallel4j.internal.langchain4j.Installations;
import io.github.parallel4j.internal.policy.Durations;
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
 * The settings a {@link ParallelToolsBuilder} is collecting, before they become a {@link ParallelToolsConfig}, and the
 * checks of their values, so that the builder holds only what a user reads (each setting's method and its
 * javadoc) and the configuration reads its values from one place. Each field starts at its {@code DEFAULT_*}
 * constant. Not thread-safe: it belongs to one builder.
 */
final class Settings {

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
    SharedLimits sharedLimits;
    Ticker ticker = Ticker.system();
    ScheduledExecutorService timer;

    /** The defaults. */
    Settings() {}

    /** Every setting of {@code base}. */
    Settings(ParallelToolsConfig base) {
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
        sharedLimits = base.sharedLimits().orElse(null);
        ticker = base.ticker();
        timer = base.timer().orElse(null);
    }

    /** A cap's value: {@link ParallelToolsConfig#NO_LIMIT 0} for no cap, else at least {@code least}. */
    static int cap(String setting, int value, int least) {
        if (value != ParallelToolsConfig.NO_LIMIT && value < least) {
            throw new IllegalArgumentException(setting + " must be at least " + least + ", or 0 for no limit, was "
                    + value);
        }
        return value;
    }

    /** A count of retries: 0 for none. */
    static int count(String setting, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(setting + " must not be negative, was " + value);
        }
        return value;
    }

    /** An observation's characters: 0 for no cap, else at least the least an observation is cut to. */
    static int chars(String setting, int value) {
        return cap(setting, value, ParallelToolsConfig.MIN_OBSERVATION_CHARS);
    }

    /**
     * A positive duration a nanosecond clock can count.
     *
     * @param atMost the setting as the "at most" message names it
     */
    static Duration positive(String setting, Duration value, String atMost) {
        Objects.requireNonNull(value, setting);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(setting + " must be positive, was " + value);
        }
        return Durations.requireRepresentable(atMost, value);
    }

    /** A tool's or an integration's name; {@code what} starts the message ("A tool"). */
    static String name(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank");
        }
        return name;
    }

    /** A tool's own observation limit: 0 for never cut, else at least the least an observation is cut to. */
    static int toolChars(String toolName, int maxChars) {
        if (maxChars != 0 && maxChars < ParallelToolsConfig.MIN_OBSERVATION_CHARS) {
            throw new IllegalArgumentException("The observation limit of tool '" + toolName + "' must be 0 or at least "
                    + ParallelToolsConfig.MIN_OBSERVATION_CHARS + ", was " + maxChars);
        }
        return maxChars;
    }

    /** Keeps cut results for read-back: both values are checked before either is set. */
    void keep(long maxChars, Duration keepFor) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
        }
        keepResultsFor = positive("keepFor", keepFor, "keepFor");
        keptResultChars = maxChars;
    }
}
