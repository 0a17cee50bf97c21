package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.Durations;
import io.github.parallel4j.policy.FailurePolicy;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What follows an attempt's end: another attempt after {@code again}, or the call's outcome with {@code note}
 * added; and, after an upstream 429, how long to slow the call's integration down for. Decided by {@link #after},
 * a pure function of the outcome, the call's counts so far, the turn's budget and the time it is given, so that it
 * can be tested on a fake clock.
 *
 * @param again the wait before another attempt, or null for none: the outcome is final
 * @param note what to add to the final outcome's error (why it was not retried), or null
 * @param slowDown how long to pause the integration after an upstream 429, or null
 * @param spends which count another attempt uses up
 */
record RetryDecision(Duration again, String note, Duration slowDown, Spends spends) {

    /** The count another attempt uses up. */
    enum Spends { NOTHING, A_RETRY, A_RATE_LIMIT_RUN }

    static final RetryDecision FINAL = new RetryDecision(null, null, null, Spends.NOTHING);

    /** The counts a decision depends on. */
    record Counts(int retries, int rateLimitRuns, int turnRetriesLeft) {}

    static RetryDecision giveUp(String note) {
        return new RetryDecision(null, note, null, Spends.NOTHING);
    }

    RetryDecision slowingDown(Duration wait) {
        return new RetryDecision(again, note, wait, spends);
    }

    /** @return whether the outcome stands */
    boolean isFinal() {
        return again == null;
    }

    /**
     * Decides what follows an attempt.
     *
     * @param call the call
     * @param outcome the attempt's outcome
     * @param counts the call's retries and reruns so far, and the turn's retries left
     * @param options the turn's settings (retries after a 429, the longest retry-after)
     * @param budget the turn's budget
     * @param now the ticker's reading now
     * @param random the jitter of backoffs
     * @return the decision
     */
    static RetryDecision after(PlannedCall call, CallOutcome outcome, Counts counts, TurnOptions options,
            TurnBudget budget, long now, RandomGenerator random) {
        if (outcome.ok()) {
            return FINAL;
        }
        if (outcome.cause() instanceof RateLimitedException limited) {
            return afterRateLimit(limited, counts, options, budget, now);
        }
        FailurePolicy policy = call.policy().onFailure();
        boolean retryable = outcome.errorCode() == ErrorCode.TOOL_ERROR || outcome.errorCode() == ErrorCode.TIMEOUT;
        if (!policy.isRetry() || !retryable || !call.policy().isIdempotent()) {
            return FINAL;
        }
        if (counts.retries() + 1 >= policy.maxAttempts()) {
            return giveUp("; gave up after " + (counts.retries() + 1) + " attempts");
        }
        long ceiling = Durations.nanos(policy.backoffCeiling(counts.retries() + 1));
        Duration wait = Duration.ofNanos(ceiling / 2 + random.nextLong(ceiling / 2 + 1));
        if (budget.endsAfter(now, Durations.nanos(wait))) {
            return giveUp("; not retried: the turn's budget would run out during the backoff");
        }
        if (counts.turnRetriesLeft() <= 0) {
            return giveUp("; not retried: the turn's retries (" + options.maxRetries() + ") are used up");
        }
        return new RetryDecision(wait, null, null, Spends.A_RETRY);
    }

    private static RetryDecision afterRateLimit(RateLimitedException limited, Counts counts, TurnOptions options,
            TurnBudget budget, long now) {
        Duration wait = limited.retryAfter().orElse(Duration.ofSeconds(1));
        if (wait.compareTo(options.maxRetryAfter()) > 0) {
            // A misparsed Retry-After: waiting it would hang the call (and, without a budget, the AI service),
            // and pausing for it would stop the integration for everyone; the pause is clamped too.
            return giveUp("; the upstream asked to wait " + Durations.format(wait) + ", longer than the "
                    + "longest retry-after honoured (maxRetryAfter, " + Durations.format(options.maxRetryAfter())
                    + "), so it was not retried").slowingDown(options.maxRetryAfter());
        }
        if (counts.rateLimitRuns() >= options.rateLimitRetries()) {
            return giveUp("; the upstream refused it for its rate " + (counts.rateLimitRuns() + 1) + " times")
                    .slowingDown(wait);
        }
        if (budget.endsAfter(now, Durations.nanos(wait))) {
            return giveUp("; waiting " + Durations.format(wait) + " as the upstream asked would exceed the turn's"
                    + " budget").slowingDown(wait);
        }
        return new RetryDecision(wait, null, wait, Spends.A_RATE_LIMIT_RUN);
    }

    /**
     * The final outcome with the decision's note: a refusal by the upstream's rate stays {@code RATE_LIMITED}.
     *
     * @param call the call
     * @param outcome the last attempt's outcome
     * @return the call's outcome
     */
    CallOutcome decorate(PlannedCall call, CallOutcome outcome) {
        if (outcome.ok() || note == null) {
            return outcome;
        }
        if (outcome.cause() instanceof RateLimitedException) {
            return new CallOutcome(call, false, ErrorCode.RATE_LIMITED, outcome.error() + note, null, outcome.cause(),
                    outcome.readyNanos(), outcome.startNanos(), outcome.endNanos(), outcome.attempts(), false);
        }
        return outcome.withNote(note);
    }
}
