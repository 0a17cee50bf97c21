package io.github.parallel4j.spring.actuator;

import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code paralleltools} Actuator endpoint: each tool's policy, each integration's limits with its live
 * in-flight and waiting counts, the invocations under way, and the limits shared with other JVMs (backend, health,
 * fallbacks, the in-flight counts of every JVM). Read-only; expose it over HTTP with
 * {@code management.endpoints.web.exposure.include=paralleltools}.
 */
@Endpoint(id = "paralleltools")
public class ParallelToolsEndpoint {

    private final ParallelTools parallelTools;

    /**
     * @param parallelTools the instance to describe
     */
    public ParallelToolsEndpoint(ParallelTools parallelTools) {
        this.parallelTools = parallelTools;
    }

    /** @return the current state */
    @ReadOperation
    public Report report() {
        Map<String, ToolDescription> tools = new TreeMap<>();
        Map<String, IntegrationDescription> integrations = new TreeMap<>();
        parallelTools.integrations().forEach((name, limits) -> integrations.put(name, describe(name, limits)));
        parallelTools.toolPolicies().forEach((name, policy) -> {
            tools.put(name, describe(policy));
            policy.integration().ifPresent(i -> integrations.computeIfAbsent(i, n -> describe(n, null)));
        });
        return new Report(tools, integrations, parallelTools.invocationsInFlight(), parallelTools.abandonedCalls(),
                parallelTools.sharedLimitsStatus().map(this::describe).orElse(null));
    }

    private SharedLimitsDescription describe(SharedLimits.Status status) {
        Map<String, Integer> inFlight = new TreeMap<>();
        parallelTools.integrations().forEach((name, limits) -> {
            if (limits.maxConcurrent().isPresent()) {
                parallelTools.sharedInFlight(name).ifPresent(count -> inFlight.put(name, count));
            }
        });
        return new SharedLimitsDescription(status.backend(), status.available(), status.fallbacks(),
                status.refusals(), status.lastLatency().toNanos() / 1e6, inFlight);
    }

    private static ToolDescription describe(ToolPolicy policy) {
        return new ToolDescription(policy.isWrite() ? "write" : "read",
                policy.resourceKeys(),
                policy.isExclusive(), policy.integration().orElse(null), policy.isIdempotent(),
                policy.timeout().map(Object::toString).orElse(null), policy.onFailure().toString(),
                policy.cachedFor().map(Object::toString).orElse(null));
    }

    private IntegrationDescription describe(String name, IntegrationLimits limits) {
        return new IntegrationDescription(
                limits == null || limits.maxConcurrent().isEmpty() ? null : limits.maxConcurrent().getAsInt(),
                limits == null ? List.of() : limits.bandwidths().stream().map(Object::toString).toList(),
                limits == null ? List.of() : limits.perKeyBandwidths().stream().map(Object::toString).toList(),
                parallelTools.inFlight(name), parallelTools.waiting(name));
    }

    /**
     * What the endpoint returns.
     *
     * @param tools each tool's policy, by name
     * @param integrations each integration's limits and live counts, by name
     * @param invocationsInFlight AI service invocations with tool calls under way
     * @param abandonedCalls calls still running after their turn ended because they ignored interruption
     * @param sharedLimits the limits shared with other JVMs, or null when every limit is this instance's own
     */
    public record Report(Map<String, ToolDescription> tools, Map<String, IntegrationDescription> integrations,
            long invocationsInFlight, int abandonedCalls, SharedLimitsDescription sharedLimits) {}

    /**
     * The limits shared with other JVMs.
     *
     * @param backend the backend ({@code redis}, {@code in-jvm})
     * @param available whether its last call answered in time
     * @param fallbacks calls that ran under this JVM's limits alone because it was unavailable, since start
     * @param refusals calls refused with {@code LIMITS_UNAVAILABLE}, since start
     * @param lastLatencyMillis how long its last answered call took
     * @param inFlight each capped integration's permits held now by every JVM (absent when the backend did not
     *     answer in time)
     */
    public record SharedLimitsDescription(String backend, boolean available, long fallbacks, long refusals,
            double lastLatencyMillis, Map<String, Integer> inFlight) {}

    /**
     * One tool's policy.
     *
     * @param sideEffect read or write
     * @param resourceKeys its resource-key templates
     * @param exclusive whether it runs alone (a write without keys)
     * @param integration its integration, or null
     * @param idempotent whether it may be retried
     * @param timeout its own timeout (ISO-8601), or null
     * @param onFailure best-effort, fail-fast or retry(...)
     * @param cacheFor how long its results are cached (ISO-8601), or null
     */
    public record ToolDescription(String sideEffect, List<String> resourceKeys, boolean exclusive, String integration,
            boolean idempotent, String timeout, String onFailure, String cacheFor) {}

    /**
     * One integration's limits and what it does now.
     *
     * @param maxConcurrent its concurrency cap, or null for none
     * @param bandwidths its rate limits (Bucket4j bandwidths)
     * @param perKeyBandwidths its per-key (per-conversation) rate limits
     * @param inFlight calls running now (counted only under a cap)
     * @param waiting calls waiting for a slot now
     */
    public record IntegrationDescription(Integer maxConcurrent, List<String> bandwidths, List<String> perKeyBandwidths,
            int inFlight, int waiting) {}
}
