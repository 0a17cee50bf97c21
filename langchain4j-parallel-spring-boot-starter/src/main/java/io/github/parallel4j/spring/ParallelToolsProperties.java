package io.github.parallel4j.spring;

import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.SideEffect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code parallel-tools.*} properties. Every one is optional; unset, the library's defaults apply (see
 * {@code docs/spring-boot.md} for the full reference).
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

    /** The wall-clock budget of one turn (one AI message's tool calls). In-flight calls are cancelled when it runs out. */
    private Duration turnTimeout = Duration.ofSeconds(60);

    /** The most tool calls one AI message may carry; larger batches are rejected with BATCH_TOO_LARGE. */
    private int maxBatchSize = 64;

    /** How a tool without @ParallelSafe or @Writes, and with no tools.<name> entry, is treated: write (an exclusive write, runs alone) or read. */
    private SideEffect defaultSideEffect = SideEffect.WRITE;

    /** The most characters one observation may have before it is cut (0 for no limit). */
    private int maxObservationChars = 16_000;

    /** The most characters all observations of one turn may have together, shared fairly (0 for no limit). */
    private int maxTurnObservationChars = 48_000;

    /** Whether results come back in the JSON envelope (ok, latency_ms, error_code, result); false returns raw results. */
    private boolean envelope = true;

    /** A JVM-wide cap on tool calls running at once, over all turns and integrations. Unset: no cap. */
    private Integer maxConcurrentCalls;

    /** A cap on the calls of one turn running at once. Unset: no cap. */
    private Integer maxConcurrentCallsPerTurn;

    /** Whether identical read calls in one turn run once and share the result. */
    private boolean deduplicateReads = true;

    /** Whether each tool's description tells the model how it is scheduled (parallel read, ordered write). */
    private boolean describeScheduling = false;

    /** Limits by integration name (the name given by @Integration or tools.<name>.integration). */
    private Map<String, Integration> integrations = new LinkedHashMap<>();

    /** Policies by tool name, for tools that cannot be annotated (tool providers, MCP, third-party classes). */
    private Map<String, Tool> tools = new LinkedHashMap<>();

    /** Micrometer observations and metrics. */
    private final Observations observations = new Observations();

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

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public SideEffect getDefaultSideEffect() {
        return defaultSideEffect;
    }

    public void setDefaultSideEffect(SideEffect defaultSideEffect) {
        this.defaultSideEffect = defaultSideEffect;
    }

    public int getMaxObservationChars() {
        return maxObservationChars;
    }

    public void setMaxObservationChars(int maxObservationChars) {
        this.maxObservationChars = maxObservationChars;
    }

    public int getMaxTurnObservationChars() {
        return maxTurnObservationChars;
    }

    public void setMaxTurnObservationChars(int maxTurnObservationChars) {
        this.maxTurnObservationChars = maxTurnObservationChars;
    }

    public boolean isEnvelope() {
        return envelope;
    }

    public void setEnvelope(boolean envelope) {
        this.envelope = envelope;
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

    public boolean isDeduplicateReads() {
        return deduplicateReads;
    }

    public void setDeduplicateReads(boolean deduplicateReads) {
        this.deduplicateReads = deduplicateReads;
    }

    public boolean isDescribeScheduling() {
        return describeScheduling;
    }

    public void setDescribeScheduling(boolean describeScheduling) {
        this.describeScheduling = describeScheduling;
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

    public Observations getObservations() {
        return observations;
    }

    /** The limits of one integration, over all turns in this application. */
    public static class Integration {

        /** The most calls to this integration running at once. Unset: no cap. */
        private Integer maxConcurrent;

        /** One rate limit: a bucket of 'permits' refilled greedily every 'period'. */
        private Rate rate;

        /** Further rate limits that all apply (for example 10 per second and 300 per minute). */
        private List<Rate> rates = new ArrayList<>();

        public Integer getMaxConcurrent() {
            return maxConcurrent;
        }

        public void setMaxConcurrent(Integer maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }

        public Rate getRate() {
            return rate;
        }

        public void setRate(Rate rate) {
            this.rate = rate;
        }

        public List<Rate> getRates() {
            return rates;
        }

        public void setRates(List<Rate> rates) {
            this.rates = rates;
        }
    }

    /** A rate: at most {@code permits} calls per {@code period}. */
    public static class Rate {

        /** How many calls each period allows. */
        private Long permits;

        /** The period over which the permits refill. */
        private Duration period;

        public Long getPermits() {
            return permits;
        }

        public void setPermits(Long permits) {
            this.permits = permits;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }
    }

    /** The policy of one tool, by its name, replacing its annotations. */
    public static class Tool {

        /** read (runs in parallel with other reads) or write (ordered against calls sharing a resource key; exclusive without one). */
        private SideEffect sideEffect;

        /** Resource keys, with {param} filled from the call's arguments, for example order:{orderId}. */
        private List<String> resourceKey = new ArrayList<>();

        /** The integration whose limits apply to this tool's calls. */
        private String integration;

        /** The tool's own timeout; a call past it ends with TIMEOUT. */
        private Duration timeout;

        /** What a failure of this tool does: best-effort, fail-fast (cancels the turn's other calls) or retry. */
        private FailurePolicy.Mode onFailure;

        /** Retry settings, used when on-failure is retry. */
        private final Retry retry = new Retry();

        /** Whether a write may be retried safely (the same call twice has the effect of once). */
        private boolean idempotent;

        public SideEffect getSideEffect() {
            return sideEffect;
        }

        public void setSideEffect(SideEffect sideEffect) {
            this.sideEffect = sideEffect;
        }

        public List<String> getResourceKey() {
            return resourceKey;
        }

        public void setResourceKey(List<String> resourceKey) {
            this.resourceKey = resourceKey;
        }

        public String getIntegration() {
            return integration;
        }

        public void setIntegration(String integration) {
            this.integration = integration;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public FailurePolicy.Mode getOnFailure() {
            return onFailure;
        }

        public void setOnFailure(FailurePolicy.Mode onFailure) {
            this.onFailure = onFailure;
        }

        public Retry getRetry() {
            return retry;
        }

        public boolean isIdempotent() {
            return idempotent;
        }

        public void setIdempotent(boolean idempotent) {
            this.idempotent = idempotent;
        }
    }

    /** Retries with exponential backoff and jitter. */
    public static class Retry {

        /** Attempts in all, the first included (at least 2). */
        private int maxAttempts = 3;

        /** The backoff before the first retry; it doubles after each. */
        private Duration initialBackoff = Duration.ofMillis(200);

        /** The longest backoff (the same default as {@code @Retry}'s). */
        private Duration maxBackoff = Duration.ofSeconds(5);

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }

    /** Micrometer observations (a span per turn and per call) and metrics. */
    public static class Observations {

        /** Whether turns and calls are observed when Micrometer is present. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
