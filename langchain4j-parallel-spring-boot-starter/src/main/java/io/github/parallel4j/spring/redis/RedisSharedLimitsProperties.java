package io.github.parallel4j.spring.redis;

import io.github.parallel4j.SharedLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code parallel-tools.shared-limits.redis.*}: integration limits (and optionally keyed writes) held together with
 * every replica through the application's {@code RedissonClient}. Unset properties keep
 * {@code RedisSharedLimits}'s defaults.
 */
@ConfigurationProperties(prefix = "parallel-tools.shared-limits.redis")
public class RedisSharedLimitsProperties {

    /** Whether the limits are shared through Redis (needs a RedissonClient bean). */
    private boolean enabled;

    /** The prefix of every Redis key: replicas with one namespace share their limits. Default parallel-tools. */
    private String namespace;

    /** What a permit's lease adds to its call's timeout or turn budget. Default 5s. */
    private Duration leaseMargin;

    /** The longest one Redis call may take before Redis counts as unavailable for that call. Default 500ms. */
    private Duration timeout;

    /** What a call does when Redis is unavailable: fallback (this JVM's limits alone) or refuse (LIMITS_UNAVAILABLE). */
    private SharedLimits.OnFailure onFailure;

    /** Whether resource-key locks are also taken in Redis, so keyed writes exclude across replicas. Default false. */
    private Boolean keyedWrites;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public Duration getLeaseMargin() {
        return leaseMargin;
    }

    public void setLeaseMargin(Duration leaseMargin) {
        this.leaseMargin = leaseMargin;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public SharedLimits.OnFailure getOnFailure() {
        return onFailure;
    }

    public void setOnFailure(SharedLimits.OnFailure onFailure) {
        this.onFailure = onFailure;
    }

    public Boolean getKeyedWrites() {
        return keyedWrites;
    }

    public void setKeyedWrites(Boolean keyedWrites) {
        this.keyedWrites = keyedWrites;
    }
}
