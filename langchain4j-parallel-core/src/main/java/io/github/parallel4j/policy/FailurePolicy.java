package io.github.parallel4j.policy;

import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a failed call means for its turn.
 *
 * <ul>
 *   <li>{@link #bestEffort()} (the default): the call's observation says it failed; its siblings go on, and only
 *       calls that need its output are skipped ({@code DEPENDENCY_FAILED}).
 *   <li>{@link #failFast()}: its failure cancels the turn's unfinished calls ({@code CANCELLED}); for tightly
 *       coupled steps where the rest is pointless once one fails.
 *   <li>{@link #retry(int, Duration, Duration)}: the call is run again after an exponential backoff with jitter,
 *       up to {@code maxAttempts} attempts in all, while the turn's budget and retry allowance last. Only for reads
 *       and idempotent writes: a non-idempotent write is never retried automatically.
 * </ul>
 *
 * <p>Exactly one of {@link #isBestEffort()}, {@link #isFailFast()} and {@link #isRetry()} is true, so a policy
 * reads back as the factory that made it.
 *
 * <p>Immutable and thread-safe.
 */
public final class FailurePolicy {

    /** The kinds of policy, one per factory method. */
    private enum Mode { BEST_EFFORT, FAIL_FAST, RETRY }

    private static final FailurePolicy BEST_EFFORT = new FailurePolicy(Mode.BEST_EFFORT, 1, Duration.ZERO, Duration.ZERO);
    private static final FailurePolicy FAIL_FAST = new FailurePolicy(Mode.FAIL_FAST, 1, Duration.ZERO, Duration.ZERO);

    private final Mode mode;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private FailurePolicy(Mode mode, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this.mode = mode;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** @return the default: siblings go on */
    public static FailurePolicy bestEffort() {
        return BEST_EFFORT;
    }

    /** @return a policy under which the call's failure cancels its turn */
    public static FailurePolicy failFast() {
        return FAIL_FAST;
    }

    /**
     * Retries with exponential backoff and jitter: the n-th retry waits a random time between half and all of
     * {@code min(maxBackoff, initialBackoff * 2^(n-1))}.
     *
     * @param maxAttempts attempts in all, first included; at least 2
     * @param initialBackoff the first backoff, positive
     * @param maxBackoff the longest backoff, not shorter than {@code initialBackoff}
     * @return the policy
     */
    public static FailurePolicy retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 2) {
            throw new IllegalArgumentException("A retry policy needs at least 2 attempts, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive, was " + initialBackoff);
        }
        Durations.requireRepresentable("initialBackoff", initialBackoff);
        Durations.requireRepresentable("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff "
                    + initialBackoff);
        }
        return new FailurePolicy(Mode.RETRY, maxAttempts, initialBackoff, maxBackoff);
    }

    /** @return whether this is {@link #bestEffort()}: the call's failure stops only the calls that need its output */
    public boolean isBestEffort() {
        return mode == Mode.BEST_EFFORT;
    }

    /** @return whether this is {@link #failFast()}: the call's failure cancels its turn's unfinished calls */
    public boolean isFailFast() {
        return mode == Mode.FAIL_FAST;
    }

    /** @return whether this is a {@link #retry retry} policy: the call is run again after a backoff */
    public boolean isRetry() {
        return mode == Mode.RETRY;
    }

    /** @return attempts in all (1 unless retrying) */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the first backoff of a retry policy */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return the longest backoff of a retry policy */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The longest wait before a retry.
     *
     * @param retry the retry's number, from 1
     * @return {@code min(maxBackoff, initialBackoff * 2^(retry-1))}
     */
    public Duration backoffCeiling(int retry) {
        long max = Durations.nanos(maxBackoff);
        long nanos = Durations.nanos(initialBackoff);
        for (int i = 1; i < retry && nanos < max; i++) {
            nanos = Durations.doubled(nanos);
        }
        return Duration.ofNanos(Math.min(nanos, max));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FailurePolicy other
                && mode == other.mode
                && maxAttempts == other.maxAttempts
                && initialBackoff.equals(other.initialBackoff)
                && maxBackoff.equals(other.maxBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, maxAttempts, initialBackoff, maxBackoff);
    }

    @Override
    public String toString() {
        return mode == Mode.RETRY
                ? "retry(" + maxAttempts + " attempts, backoff " + initialBackoff + ".." + maxBackoff + ")"
                : mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
