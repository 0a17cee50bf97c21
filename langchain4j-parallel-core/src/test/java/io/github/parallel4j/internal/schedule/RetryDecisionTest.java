package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The retry decision on fake time: no thread, no clock, a seeded jitter. */
class RetryDecisionTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "flaky", ToolPolicy.read().withFailurePolicy(FailurePolicy.retry(3, Duration.ofMillis(100),
                    Duration.ofSeconds(1))),
            "write", ToolPolicy.write("order:{id}"),
            "jira", ToolPolicy.read().withIntegration("jira"));
    private static final TurnOptions OPTIONS = new TurnOptions(Duration.ofSeconds(10), null, "t", 0, 10, 3, null);
    private static final long ORIGIN = 1_000_000L;
    private final TurnBudget budget = TurnBudget.starting(Duration.ofSeconds(10), ORIGIN);

    private static PlannedCall call(String tool) {
        return new Planner(8, POLICIES::get, Planner.UnknownTools.REJECT)
                .plan(List.of(new CallRequest("c1", tool, "{\"id\":\"1\"}"))).calls().get(0);
    }

    private static CallOutcome failed(PlannedCall call, Throwable cause) {
        return CallOutcome.failure(call, ErrorCode.TOOL_ERROR, "boom", cause, 0, 0, 1, 1);
    }

    private RetryDecision decide(PlannedCall call, CallOutcome outcome, RetryDecision.Counts counts, long now) {
        return RetryDecision.after(call, outcome, counts, OPTIONS, budget, now, new Random(7));
    }

    @Test
    void should_retry_a_failed_read_with_a_jittered_backoff_within_its_ceiling() {
        PlannedCall call = call("flaky");
        RetryDecision next = decide(call, failed(call, null), new RetryDecision.Counts(0, 0, 10), ORIGIN);

        assertThat(next.isFinal()).isFalse();
        assertThat(next.spends()).isEqualTo(RetryDecision.Spends.A_RETRY);
        Duration ceiling = FailurePolicy.retry(3, Duration.ofMillis(100), Duration.ofSeconds(1)).backoffCeiling(1);
        assertThat(next.again()).isBetween(ceiling.dividedBy(2), ceiling);
    }

    @Test
    void should_not_retry_when_the_backoff_would_end_after_the_budget() {
        PlannedCall call = call("flaky");
        long almostOver = budget.deadline() - Duration.ofMillis(10).toNanos();

        RetryDecision next = decide(call, failed(call, null), new RetryDecision.Counts(0, 0, 10), almostOver);

        assertThat(next.isFinal()).isTrue();
        assertThat(next.note()).contains("budget would run out during the backoff");
    }

    @Test
    void should_give_up_when_the_attempts_or_the_turns_retries_are_used_up() {
        PlannedCall call = call("flaky");

        assertThat(decide(call, failed(call, null), new RetryDecision.Counts(2, 0, 10), ORIGIN).note())
                .isEqualTo("; gave up after 3 attempts");
        assertThat(decide(call, failed(call, null), new RetryDecision.Counts(0, 0, 0), ORIGIN).note())
                .isEqualTo("; not retried: the turn's retries (10) are used up");
        PlannedCall write = call("write");
        assertThat(decide(write, failed(write, null), new RetryDecision.Counts(0, 0, 10), ORIGIN))
                .isSameAs(RetryDecision.FINAL);
    }

    @Test
    void should_rerun_after_an_upstream_429_as_asked_and_pause_the_integration_until_then() {
        PlannedCall call = call("jira");
        RateLimitedException limited = new RateLimitedException("429", Duration.ofMillis(300));

        RetryDecision next = decide(call, failed(call, limited), new RetryDecision.Counts(0, 0, 10), ORIGIN);
        assertThat(next.again()).isEqualTo(Duration.ofMillis(300));
        assertThat(next.slowDown()).isEqualTo(Duration.ofMillis(300));
        assertThat(next.spends()).isEqualTo(RetryDecision.Spends.A_RATE_LIMIT_RUN);

        RetryDecision late = decide(call, failed(call, limited), new RetryDecision.Counts(0, 0, 10),
                budget.deadline() - Duration.ofMillis(100).toNanos());
        assertThat(late.isFinal()).isTrue();
        assertThat(late.slowDown()).isEqualTo(Duration.ofMillis(300));
        assertThat(late.decorate(call, failed(call, limited)).errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(late.decorate(call, failed(call, limited)).error())
                .isEqualTo("boom; waiting 300 ms as the upstream asked would exceed the turn's budget");
    }

    @Test
    void should_clamp_a_retry_after_longer_than_the_longest_honoured() {
        PlannedCall call = call("jira");
        RateLimitedException limited = new RateLimitedException("429", Duration.ofHours(2));

        RetryDecision next = decide(call, failed(call, limited), new RetryDecision.Counts(0, 0, 10), ORIGIN);

        assertThat(next.isFinal()).isTrue();
        assertThat(next.slowDown()).isEqualTo(OPTIONS.maxRetryAfter());
    }
}
