package io.github.parallel4j.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of one {@code parallel-tools.tools.<name>} entry: a tool's policy by its name, replacing its
 * annotations.
 */
public class ToolProperties {

    /** read (runs in parallel with other reads) or write (ordered against calls sharing a resource key; exclusive without one). */
    private SideEffect sideEffect;

    /** Resource keys, with {param} filled from the call's arguments, for example order:{orderId}. */
    private List<String> resourceKey = new ArrayList<>();

    /** The integration whose limits apply to this tool's calls. */
    private String integration;

    /** The tool's own timeout; a call past it ends with TIMEOUT. */
    private Duration timeout;

    /** What a failure of this tool does: best-effort, fail-fast (cancels the turn's other calls) or retry. */
    private OnFailure onFailure;

    /** Retry settings, used when on-failure is retry. */
    private final RetryProperties retry = new RetryProperties();

    /** Whether a write may be retried safely (the same call twice has the effect of once). */
    private boolean idempotent;

    /** How long a read's successful results are kept and answered again for equal arguments; unset for never. */
    private Duration cacheFor;

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

    public OnFailure getOnFailure() {
        return onFailure;
    }

    public void setOnFailure(OnFailure onFailure) {
        this.onFailure = onFailure;
    }

    public RetryProperties getRetry() {
        return retry;
    }

    public boolean isIdempotent() {
        return idempotent;
    }

    public void setIdempotent(boolean idempotent) {
        this.idempotent = idempotent;
    }

    public Duration getCacheFor() {
        return cacheFor;
    }

    public void setCacheFor(Duration cacheFor) {
        this.cacheFor = cacheFor;
    }

    /** The values of {@code side-effect} and {@code default-side-effect}. */
    public enum SideEffect {
        /** Reads only: {@code ToolPolicy.read(...)}, as {@code @ParallelSafe}. */
        READ,
        /** Changes state: {@code ToolPolicy.write(...)} (no keys: runs alone), as {@code @Writes}. */
        WRITE
    }

    /** The values of {@code on-failure}, one per {@code FailurePolicy} factory method. */
    public enum OnFailure {
        /** {@code FailurePolicy.bestEffort()}: the tool's siblings go on. */
        BEST_EFFORT,
        /** {@code FailurePolicy.failFast()}: its failure cancels the turn's unfinished calls. */
        FAIL_FAST,
        /** {@code FailurePolicy.retry(...)} with the {@code retry.*} settings. */
        RETRY
    }
}
