package io.github.parallel4j.spring;

import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.policy.FailurePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code parallel-tools.*} properties, one for each setting of {@link ParallelToolsConfig}. Every one is
 * optional: a property left unset leaves the library's default (a {@code ParallelToolsConfig.DEFAULT_*} constant,
 * defined there only), so these fields are null until set. See {@code docs/spring-boot.md} for the full reference.
 */
@ConfigurationProperties(prefix = "parallel-tools")
public class ParallelToolsProperties {

    /** Whether tool calls run through langchain4j-parallel. When false, nothing is wrapped and LangChain4j's own execution applies. */
    private boolean enabled = true;

    /**
     * Whether start-up fails when LangChain4j's @AiService integration point is not found (an incompatible
     * langchain4j-spring-boot-starter). When false, a warning says parallel execution is inactive for those
     * AI services instead.
     */
    private boolean failIfUnsupported = true;

    /**
     * The wall-clock budget of one turn (one AI message's tool calls). In-flight calls are cancelled when it runs out.
     * Default 60s; 0 for no budget.
     */
    private Duration turnTimeout;

    /** The most tool calls one AI message may carry (0 for no limit); larger batches are rejected with BATCH_TOO_LARGE. Default 64. */
    private Integer maxBatchSize;

    /** How a tool without @ParallelSafe or @Writes, and with no tools.<name> entry, is treated: write (an exclusive write, runs alone) or read. Default write. */
    private ToolProperties.SideEffect defaultSideEffect;

    /** The most characters one observation may have before it is cut: at least 256, or 0 for no limit. Default 16000. */
    private Integer maxObservationChars;

    /** The most characters all observations of one turn may have together, shared fairly: at least 256, or 0 for no limit. Default 48000. */
    private Integer maxTurnObservationChars;

    /** Per-tool limits of one observation by tool name, overriding max-observation-chars; 0 means the tool's results are never cut, not even by the turn's limit. */
    private Map<String, Integer> toolObservationChars = new LinkedHashMap<>();

    /** The most tokens of one observation (at least 64, or 0 for no limit), counted by the application's TokenCountEstimator bean, which must then exist. Default: no token limit. */
    private Integer maxObservationTokens;

    /** What tool results look like to the model: envelope (a JSON observation with ok, error_code, latency_ms, cut to size) or raw (LangChain4j's own results, uncut). Default envelope. */
    private ObservationFormat observationFormat;

    /** Whether results come back in the JSON envelope; false returns raw results. Replaced by observation-format. */
    private Boolean envelope;

    /** Who turns a tool's exception into what the model sees: observation (the library's error envelope) or langchain4j-handlers (the AI service's tool error handlers). Default observation. */
    private ToolErrorHandling toolErrorHandling;

    /** A JVM-wide cap on tool calls running at once, over all turns and integrations (0 for no cap). Default: no cap. */
    private Integer maxConcurrentCalls;

    /** A cap on the calls of one turn running at once (0 for no cap). Default: no cap. */
    private Integer maxConcurrentCallsPerTurn;

    /** The most retries (of all calls of one turn together, under their retry policies) one turn may make; 0 for none. Default 10. */
    private Integer maxRetriesPerTurn;

    /** How many times one call is run again after its tool throws RateLimitedException (an upstream 429); 0 for never. Default 3. */
    private Integer rateLimitRetries;

    /** The longest upstream retry-after honoured; a longer one answers the call RATE_LIMITED at once and pauses its integration for this long only. Default 5m. */
    private Duration maxRetryAfter;

    /** Whether identical read calls in one turn run once and share the result. Default true. */
    private Boolean deduplicateReads;

    /** Whether each tool's description tells the model how it is scheduled (parallel read, ordered write). Default false. */
    private Boolean describeScheduling;

    /** Whether reads cached with @CacheFor are shared by every conversation of an AI service, instead of kept per conversation. Default false. */
    private Boolean shareCachedReads;

    /** Keeps the full results that were cut, for the model to read back with a read_result tool. Off unless both max-chars and keep-for are set. */
    @NestedConfigurationProperty
    private final KeepTruncatedResultsProperties keepTruncatedResults = new KeepTruncatedResultsProperties();

    /** Limits by integration name (the name given by @Integration or tools.<name>.integration). */
    private Map<String, Integration> integrations = new LinkedHashMap<>();

    /** Policies by tool name, for tools that cannot be annotated (tool providers, MCP, third-party classes). */
    private Map<String, Tool> tools = new LinkedHashMap<>();

    /** Micrometer observations and metrics. */
    @NestedConfigurationProperty
    private final ObservationsProperties observations = new ObservationsProperties();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isFailIfUnsupported() {
        return failIfUnsupported;
    }

    public void setFailIfUnsupported(boolean failIfUnsupported) {
        this.failIfUnsupported = failIfUnsupported;
    }

    public Duration getTurnTimeout() {
        return turnTimeout;
    }

    public void setTurnTimeout(Duration turnTimeout) {
        this.turnTimeout = turnTimeout;
    }

    public Integer getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(Integer maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public ToolProperties.SideEffect getDefaultSideEffect() {
        return defaultSideEffect;
    }

    public void setDefaultSideEffect(ToolProperties.SideEffect defaultSideEffect) {
        this.defaultSideEffect = defaultSideEffect;
    }

    public Integer getMaxObservationChars() {
        return maxObservationChars;
    }

    public void setMaxObservationChars(Integer maxObservationChars) {
        this.maxObservationChars = maxObservationChars;
    }

    public Integer getMaxTurnObservationChars() {
        return maxTurnObservationChars;
    }

    public void setMaxTurnObservationChars(Integer maxTurnObservationChars) {
        this.maxTurnObservationChars = maxTurnObservationChars;
    }

    public Map<String, Integer> getToolObservationChars() {
        return toolObservationChars;
    }

    public void setToolObservationChars(Map<String, Integer> toolObservationChars) {
        this.toolObservationChars = toolObservationChars;
    }

    public Integer getMaxObservationTokens() {
        return maxObservationTokens;
    }

    public void setMaxObservationTokens(Integer maxObservationTokens) {
        this.maxObservationTokens = maxObservationTokens;
    }

    public ObservationFormat getObservationFormat() {
        return observationFormat;
    }

    public void setObservationFormat(ObservationFormat observationFormat) {
        this.observationFormat = observationFormat;
    }

    @DeprecatedConfigurationProperty(replacement = "parallel-tools.observation-format",
            reason = "observation-format names the format")
    @Deprecated
    public Boolean getEnvelope() {
        return envelope;
    }

    @Deprecated
    public void setEnvelope(Boolean envelope) {
        this.envelope = envelope;
    }

    public ToolErrorHandling getToolErrorHandling() {
        return toolErrorHandling;
    }

    public void setToolErrorHandling(ToolErrorHandling toolErrorHandling) {
        this.toolErrorHandling = toolErrorHandling;
    }

    public Integer getMaxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    public void setMaxConcurrentCalls(Integer maxConcurrentCalls) {
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    public Integer getMaxConcurrentCallsPerTurn() {
        return maxConcurrentCallsPerTurn;
    }

    public void setMaxConcurrentCallsPerTurn(Integer maxConcurrentCallsPerTurn) {
        this.maxConcurrentCallsPerTurn = maxConcurrentCallsPerTurn;
    }

    public Integer getMaxRetriesPerTurn() {
        return maxRetriesPerTurn;
    }

    public void setMaxRetriesPerTurn(Integer maxRetriesPerTurn) {
        this.maxRetriesPerTurn = maxRetriesPerTurn;
    }

    public Integer getRateLimitRetries() {
        return rateLimitRetries;
    }

    public void setRateLimitRetries(Integer rateLimitRetries) {
        this.rateLimitRetries = rateLimitRetries;
    }

    public Duration getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public Boolean getDeduplicateReads() {
        return deduplicateReads;
    }

    public void setDeduplicateReads(Boolean deduplicateReads) {
        this.deduplicateReads = deduplicateReads;
    }

    public Boolean getDescribeScheduling() {
        return describeScheduling;
    }

    public void setDescribeScheduling(Boolean describeScheduling) {
        this.describeScheduling = describeScheduling;
    }

    public Boolean getShareCachedReads() {
        return shareCachedReads;
    }

    public void setShareCachedReads(Boolean shareCachedReads) {
        this.shareCachedReads = shareCachedReads;
    }

    public KeepTruncatedResultsProperties getKeepTruncatedResults() {
        return keepTruncatedResults;
    }

    public Map<String, Integration> getIntegrations() {
        return integrations;
    }

    public void setIntegrations(Map<String, Integration> integrations) {
        this.integrations = integrations;
    }

    public Map<String, Tool> getTools() {
        return tools;
    }

    public void setTools(Map<String, Tool> tools) {
        this.tools = tools;
    }

    public ObservationsProperties getObservations() {
        return observations;
    }

    /** The limits of one integration, over all turns in this application. */
    public static class Integration {

        /** The most calls to this integration running at once: at least 1, or 0 for no cap. Unset: no cap. */
        private Integer maxConcurrent;

        /** One rate limit: a bucket of 'permits' refilled greedily every 'period'. */
        private RateProperties rate;

        /** Further rate limits that all apply (for example 10 per second and 300 per minute). */
        private List<RateProperties> rates = new ArrayList<>();

        /** Rate limits that apply to each conversation (or the key the application's rate-limit key gives) separately, on top of the shared ones. */
        private List<RateProperties> perKeyRates = new ArrayList<>();

        public Integer getMaxConcurrent() {
            return maxConcurrent;
        }

        public void setMaxConcurrent(Integer maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }

        public RateProperties getRate() {
            return rate;
        }

        public void setRate(RateProperties rate) {
            this.rate = rate;
        }

        public List<RateProperties> getRates() {
            return rates;
        }

        public void setRates(List<RateProperties> rates) {
            this.rates = rates;
        }

        public List<RateProperties> getPerKeyRates() {
            return perKeyRates;
        }

        public void setPerKeyRates(List<RateProperties> perKeyRates) {
            this.perKeyRates = perKeyRates;
        }
    }

    /**
     * The policy of one tool, by its name ({@code tools.<name>}), replacing its annotations; its settings are those
     * of {@link ToolProperties}. A class of its own here so that the entries keep their type.
     */
    public static class Tool extends ToolProperties {}

}
