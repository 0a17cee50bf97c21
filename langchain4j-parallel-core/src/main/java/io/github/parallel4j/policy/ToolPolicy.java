package io.github.parallel4j.policy;

import io.github.parallel4j.internal.policy.Durations;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;

import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one tool may be scheduled: whether it reads or writes (and, for a write, whether it is idempotent), the
 * resource keys it touches, the integration whose limits apply, its own timeout, and what its failure means for
 * the turn ({@link FailurePolicy}).
 *
 * <p>Annotated {@code @Tool} methods get their policy from {@link ParallelSafe}, {@link Writes} and
 * {@link Integration}. Tools without a Java method (from a {@code ToolProvider}, MCP) get one by name with
 * {@code ParallelTools.builder().toolPolicy("search", ToolPolicy.read())}.
 *
 * <p>Immutable and thread-safe. Templates are compiled when the policy is made, so a bad template fails then
 * with an {@link IllegalArgumentException}, not in the middle of a turn.
 */
public final class ToolPolicy {

    private static final ToolPolicy EXCLUSIVE =
            new ToolPolicy(true, List.of(), null, false, null, FailurePolicy.bestEffort(), null);

    private final boolean write;
    /** The templates as written; each was compiled (and so checked) when the policy was made. */
    private final List<String> resourceKeys;
    private final String integration;
    private final boolean idempotent;
    private final Duration timeout;
    private final FailurePolicy onFailure;
    private final Duration cacheFor;

    private ToolPolicy(boolean write, List<String> resourceKeys, String integration,
            boolean idempotent, Duration timeout, FailurePolicy onFailure, Duration cacheFor) {
        this.write = write;
        this.resourceKeys = List.copyOf(resourceKeys);
        this.integration = integration;
        this.idempotent = !write || idempotent;
        this.timeout = timeout;
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.cacheFor = cacheFor;
        if (cacheFor != null && write) {
            throw new IllegalArgumentException("only reads may be cached; a write always runs");
        }
        if (cacheFor != null && (cacheFor.isZero() || cacheFor.isNegative())) {
            throw new IllegalArgumentException("a cache time must be positive, was " + cacheFor);
        }
        if (onFailure.isRetry() && !this.idempotent) {
            throw new IllegalArgumentException("a non-idempotent write is never retried automatically; mark the"
                    + " write idempotent (@Writes(idempotent = true) or ToolPolicy.write(...).idempotent()) to retry it");
        }
    }

    /**
     * A read, safe to run in parallel; it waits only for writes to the given keys.
     *
     * @param resourceKeys key templates such as {@code "order:{orderId}"}; none for an unkeyed read
     * @return the policy
     */
    public static ToolPolicy read(String... resourceKeys) {
        return new ToolPolicy(false, compile(resourceKeys), null, true, null, FailurePolicy.bestEffort(), null);
    }

    /**
     * A write. With keys it is ordered against every call on those keys; without keys it is exclusive.
     *
     * @param resourceKeys key templates; none for an exclusive write
     * @return the policy
     */
    public static ToolPolicy write(String... resourceKeys) {
        return resourceKeys.length == 0
                ? EXCLUSIVE
                : new ToolPolicy(true, compile(resourceKeys), null, false, null, FailurePolicy.bestEffort(), null);
    }

    /**
     * An exclusive write: within its turn it runs alone, in emission order. The default for tools that say
     * nothing.
     *
     * @return the policy
     */
    public static ToolPolicy exclusiveWrite() {
        return EXCLUSIVE;
    }

    /**
     * Reads a method's policy from its annotations.
     *
     * @param method a {@code @Tool} method
     * @param fallback the policy of a method with neither {@link ParallelSafe} nor {@link Writes}
     * @return the policy, with the method's (or its class's) {@link Integration}
     * @throws IllegalArgumentException when the method carries both {@link ParallelSafe} and {@link Writes},
     *     or a template is malformed
     */
    public static ToolPolicy of(Method method, ToolPolicy fallback) {
        return AnnotatedPolicy.of(method, fallback);
    }

    /**
     * This policy with the given integration.
     *
     * @param integration the integration's name, not blank; {@code null} for none
     * @return a new policy
     */
    public ToolPolicy withIntegration(String integration) {
        if (integration != null && integration.isBlank()) {
            throw new IllegalArgumentException("An integration name must not be blank");
        }
        return new ToolPolicy(write, resourceKeys, integration, idempotent, timeout, onFailure, cacheFor);
    }

    /**
     * This policy, marked idempotent: running the tool twice has the effect of running it once. Reads are always
     * idempotent.
     *
     * @return a new policy
     */
    public ToolPolicy idempotent() {
        return new ToolPolicy(write, resourceKeys, integration, true, timeout, onFailure, cacheFor);
    }

    /**
     * This policy with a timeout for each attempt of the tool.
     *
     * @param timeout positive, or null for none (the turn's budget still applies)
     * @return a new policy
     */
    public ToolPolicy withTimeout(Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("A tool timeout must be positive, was " + timeout);
        }
        if (timeout != null) {
            Durations.requireRepresentable("A tool timeout", timeout);
        }
        return new ToolPolicy(write, resourceKeys, integration, idempotent, timeout, onFailure, cacheFor);
    }

    /**
     * This policy with its successful results kept for a while, so that the same call in a later turn is answered
     * without running the tool. Reads only.
     *
     * @param cacheFor how long, positive; null for no caching
     * @return a new policy
     * @throws IllegalArgumentException for a write
     */
    public ToolPolicy cacheFor(Duration cacheFor) {
        if (cacheFor != null) {
            Durations.requireRepresentable("A cache time", cacheFor);
        }
        return new ToolPolicy(write, resourceKeys, integration, idempotent, timeout, onFailure, cacheFor);
    }

    /** @return how long successful results are kept, if they are */
    public Optional<Duration> cachedFor() {
        return Optional.ofNullable(cacheFor);
    }

    /**
     * This policy with a failure policy.
     *
     * @param onFailure what the tool's failure means for its turn
     * @return a new policy
     * @throws IllegalArgumentException for a retry policy on a non-idempotent write
     */
    public ToolPolicy withFailurePolicy(FailurePolicy onFailure) {
        return new ToolPolicy(write, resourceKeys, integration, idempotent, timeout, onFailure, cacheFor);
    }

    /**
     * This policy as an exclusive write: the same integration, timeout, failure policy and idempotence, no resource
     * keys and no caching. For a call whose keys cannot be known (its arguments do not parse): it runs alone within
     * its AI service invocation, still under its integration's limits and its timeout.
     *
     * @return a new policy
     */
    public ToolPolicy asExclusiveWrite() {
        return new ToolPolicy(true, List.of(), integration, idempotent, timeout, onFailure, null);
    }

    /**
     * @return whether the tool changes state ({@code @Writes}, {@link #write}, {@link #exclusiveWrite()}); false for a
     *     read ({@code @ParallelSafe}, {@link #read})
     */
    public boolean isWrite() {
        return write;
    }

    /** @return the resource key templates as written, such as {@code "order:{orderId}"}; possibly empty */
    public List<String> resourceKeys() {
        return resourceKeys;
    }

    /** @return the integration whose limits apply, if any */
    public Optional<String> integration() {
        return Optional.ofNullable(integration);
    }

    /** @return whether running the tool twice has the effect of running it once (always true for reads) */
    public boolean isIdempotent() {
        return idempotent;
    }

    /** @return the timeout of one attempt, if any */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** @return what the tool's failure means for its turn */
    public FailurePolicy onFailure() {
        return onFailure;
    }

    /** @return whether this is a write without keys, which runs alone within its turn */
    public boolean isExclusive() {
        return write && resourceKeys.isEmpty();
    }

    /** Compiles each template now, so that a bad one fails here rather than in the middle of a turn. */
    private static List<String> compile(String... templates) {
        return Arrays.stream(templates).map(ResourceKeyTemplate::compiled).map(ResourceKeyTemplate::template).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolPolicy other
                && write == other.write
                && resourceKeys.equals(other.resourceKeys)
                && Objects.equals(integration, other.integration)
                && idempotent == other.idempotent
                && Objects.equals(timeout, other.timeout)
                && onFailure.equals(other.onFailure)
                && Objects.equals(cacheFor, other.cacheFor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(write, resourceKeys, integration, idempotent, timeout, onFailure, cacheFor);
    }

    @Override
    public String toString() {
        String kind = isExclusive() ? "exclusive-write" : write ? "write" : "read";
        StringBuilder s = new StringBuilder(kind);
        if (!resourceKeys.isEmpty()) {
            s.append(resourceKeys);
        }
        if (integration != null) {
            s.append(" @").append(integration);
        }
        if (write && idempotent) {
            s.append(" idempotent");
        }
        if (timeout != null) {
            s.append(" timeout=").append(timeout);
        }
        if (!onFailure.isBestEffort()) {
            s.append(' ').append(onFailure);
        }
        if (cacheFor != null) {
            s.append(" cached=").append(cacheFor);
        }
        return s.toString();
    }
}
