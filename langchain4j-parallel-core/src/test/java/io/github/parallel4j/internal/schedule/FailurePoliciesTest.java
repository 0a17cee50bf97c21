package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.ToolCallContext;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.IntegrationGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.FakeTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailurePoliciesTest {

    private static final Duration BACKOFF = Duration.ofMillis(100);
    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "flaky", ToolPolicy.read().withFailurePolicy(FailurePolicy.retry(3, BACKOFF, Duration.ofSeconds(1))),
            "flakyWrite", ToolPolicy.write("order:{id}").idempotent()
                    .withFailurePolicy(FailurePolicy.retry(3, BACKOFF, Duration.ofSeconds(1))),
            "write", ToolPolicy.write("order:{id}"),
            "charge", ToolPolicy.write("card:{id}").withFailurePolicy(FailurePolicy.failFast()),
            "refund", ToolPolicy.write("card:{id}"),
            "slow", ToolPolicy.read(),
            "ship", ToolPolicy.exclusiveWrite(),
            "bounded", ToolPolicy.read().withTimeout(Duration.ofMillis(100)),
            "boundedRetry", ToolPolicy.read().withTimeout(Duration.ofMillis(100))
                    .withFailurePolicy(FailurePolicy.retry(2, Duration.ofMillis(10), Duration.ofMillis(10))),
            "jira", ToolPolicy.read().withIntegration("jira"));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);

    /** Attempt start times and contexts seen by the tool, by call id. */
    private final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
    private final Map<String, List<ToolCallContext>> contexts = new ConcurrentHashMap<>();

    private static Plan plan(CallRequest... calls) {
        return PLANNER.plan(List.of(calls));
    }

    private static CallRequest call(String id, String tool) {
        return new CallRequest(id, tool, "{\"id\":\"1\"}");
    }

    /** The clock attempt starts are read from: the system's, or a test's fake one. */
    private volatile Ticker clock = Ticker.system();

    private void record(String id) {
        starts.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>())).add(clock.read());
        contexts.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(ToolCallContext.current().orElseThrow());
    }

    private static TurnOptions options(Duration budget, int maxRetries) {
        return new TurnOptions(budget, null, "turn-1", 0, maxRetries, 3, null);
    }

    /** Fails the first {@code failures} attempts of each call. */
    private CallRunner failing(int failures) {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        return (call, args) -> {
            record(call.id());
            if (seen.computeIfAbsent(call.id(), k -> new AtomicInteger()).incrementAndGet() <= failures) {
                throw new IllegalStateException("flaky backend");
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        };
    }

    @Test
    void should_retry_a_read_with_growing_jittered_backoff_and_a_stable_idempotency_key() throws Exception {
        // On fake time: each backoff passes when the test advances the clock past its ceiling.
        FakeTimer timer = new FakeTimer();
        clock = timer.ticker();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());
        TurnRun run = scheduler.start(plan(call("c1", "flaky")), failing(2), options(Duration.ofSeconds(30), 10));
        timer.awaitDue(1, BACKOFF); // the first backoff: at most 100 ms
        timer.advance(BACKOFF);
        timer.awaitDue(1, BACKOFF.multipliedBy(2)); // the second: at most 200 ms
        timer.advance(BACKOFF.multipliedBy(2));
        CallOutcome outcome = run.outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(3);
        List<Long> t = starts.get("c1");
        assertThat(t).hasSize(3);
        assertThat(t.get(1) - t.get(0)).as("first backoff is at least half of 100 ms").isGreaterThanOrEqualTo(50_000_000L);
        assertThat(t.get(2) - t.get(1)).as("second backoff is at least half of 200 ms").isGreaterThanOrEqualTo(100_000_000L);
        List<ToolCallContext> seen = contexts.get("c1");
        assertThat(seen).extracting(ToolCallContext::attempt).containsExactly(1, 2, 3);
        assertThat(seen).extracting(ToolCallContext::idempotencyKey).containsOnly(seen.get(0).idempotencyKey());
    }

    @Test
    void should_give_up_after_max_attempts_and_say_so() throws Exception {
        CallOutcome outcome = Schedulers.scheduler().start(plan(call("c1", "flakyWrite")), failing(5),
                options(Duration.ofSeconds(30), 10)).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.error()).isEqualTo("flaky backend; gave up after 3 attempts");
    }

    @Test
    void should_never_retry_a_non_idempotent_write() throws Exception {
        CallOutcome outcome = Schedulers.scheduler().start(plan(call("c1", "write")), failing(1),
                options(Duration.ofSeconds(30), 10)).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(starts.get("c1")).hasSize(1);
        assertThatThrownBy(() -> ToolPolicy.write("order:{id}")
                        .withFailurePolicy(FailurePolicy.retry(3, BACKOFF, BACKOFF)))
                .hasMessageContaining("non-idempotent write is never retried");
    }

    @Test
    void should_cap_retries_per_turn() throws Exception {
        List<CallOutcome> outcomes = Schedulers.scheduler().start(
                plan(call("a", "flaky"), call("b", "flaky"), call("c", "flaky")), failing(10),
                options(Duration.ofSeconds(30), 2)).whenDone().get(10, TimeUnit.SECONDS);

        int total = starts.values().stream().mapToInt(List::size).sum();
        assertThat(total).isEqualTo(3 + 2);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.ok()).isFalse());
        assertThat(outcomes).anySatisfy(o -> assertThat(o.error()).contains("retries (2) are used up"));
    }

    @Test
    void should_not_retry_when_the_backoff_would_outlast_the_budget() throws Exception {
        Map<String, ToolPolicy> policies = Map.of("slowRetry", ToolPolicy.read()
                .withFailurePolicy(FailurePolicy.retry(3, Duration.ofSeconds(20), Duration.ofSeconds(20))));
        Plan plan = new Planner(8, policies::get, Planner.UnknownTools.REJECT).plan(List.of(call("c1", "slowRetry")));

        CallOutcome outcome = Schedulers.scheduler().start(plan, failing(1), options(Duration.ofSeconds(5), 10))
                .outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(outcome.error()).contains("budget would run out during the backoff");
        assertThat(starts.get("c1")).hasSize(1);
    }

    @Test
    void should_cancel_the_rest_of_the_turn_when_a_fail_fast_call_fails() throws Exception {
        CountDownLatch slowRunning = new CountDownLatch(1);
        CountDownLatch slowInterrupted = new CountDownLatch(1);
        AtomicInteger shipped = new AtomicInteger();
        Plan plan = plan(call("slow", "slow"), call("charge", "charge"), call("ship", "ship"));

        List<CallOutcome> outcomes = Schedulers.scheduler().start(plan, (call, args) -> {
            switch (call.name()) {
                case "slow" -> {
                    slowRunning.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        slowInterrupted.countDown();
                        throw e;
                    }
                }
                case "charge" -> {
                    assertThat(slowRunning.await(10, TimeUnit.SECONDS)).isTrue();
                    throw new IllegalStateException("card declined");
                }
                default -> shipped.incrementAndGet();
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(Duration.ofSeconds(30), 10)).whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes.get(1).errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(outcomes.get(0).errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(outcomes.get(0).error()).contains("charge (charge) failed (TOOL_ERROR) and is fail-fast");
        assertThat(outcomes.get(2).errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(outcomes.get(2).error()).contains("did not run");
        assertThat(shipped.get()).isZero();
        assertThat(slowInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void should_start_nothing_queued_behind_a_fail_fast_call_when_it_fails() throws Exception {
        AtomicInteger refunded = new AtomicInteger();
        Plan plan = plan(call("charge", "charge"), call("refund", "refund"),
                new CallRequest("receipt", "slow", "{\"id\":\"$charge.id\"}"));

        List<CallOutcome> outcomes = Schedulers.scheduler().start(plan, (call, args) -> {
            if (call.name().equals("charge")) {
                throw new IllegalStateException("card declined");
            }
            refunded.incrementAndGet();
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(Duration.ofSeconds(30), 10)).whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes.get(0).errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(outcomes.get(1).errorCode()).as("the write on the same card, queued behind the failed charge")
                .isEqualTo(ErrorCode.CANCELLED);
        assertThat(outcomes.get(1).error()).contains("charge (charge) failed (TOOL_ERROR) and is fail-fast");
        assertThat(outcomes.get(2).errorCode()).as("the call that needs the charge's output")
                .isEqualTo(ErrorCode.DEPENDENCY_FAILED);
        assertThat(refunded.get()).as("tools started after the fail-fast failure").isZero();
    }

    @Test
    void should_time_out_one_tool_and_let_the_turn_go_on() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Plan plan = plan(call("stuck", "bounded"), call("fine", "slow"));
        FakeTimer timer = new FakeTimer();
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
                timer.ticker(), timer, List.of());

        TurnRun run = scheduler.start(plan, (call, args) -> {
            if (call.id().equals("stuck")) {
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // ignores the interrupt: the turn must not wait for it
                    }
                }
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        }, options(Duration.ofSeconds(30), 10));
        timer.awaitDue(1, Duration.ofMillis(100)); // the stuck tool runs, under its timeout
        timer.advance(Duration.ofMillis(100));
        List<CallOutcome> outcomes = run.whenDone().get(10, TimeUnit.SECONDS);

        assertThat(outcomes.get(0).errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(outcomes.get(0).error()).contains("timeout of 100 ms");
        assertThat(outcomes.get(1).ok()).isTrue();
        assertThat(scheduler.abandonedCalls()).isEqualTo(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.abandonedCalls() == 0);
        assertThat(scheduler.abandonedCalls()).isZero();
    }

    @Test
    void should_retry_a_timed_out_read() throws Exception {
        AtomicInteger attempt = new AtomicInteger();
        CallOutcome outcome = Schedulers.scheduler().start(plan(call("c1", "boundedRetry")), (call, args) -> {
            if (attempt.incrementAndGet() == 1) {
                new CountDownLatch(1).await(); // interrupted by the timeout
            }
            return new ToolOutput(TextNode.valueOf("second time lucky"), null);
        }, options(Duration.ofSeconds(30), 10)).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
    }

    @Test
    void should_rerun_after_an_upstream_429_and_hold_the_whole_integration_meanwhile() throws Exception {
        // On fake time: the tools record the fake clock, which moves only when the test advances it.
        Duration retryAfter = Duration.ofMillis(300);
        FakeTimer timer = new FakeTimer();
        clock = timer.ticker();
        IntegrationGate gate = new IntegrationGate(Map.of(), 0, timer.ticker(), IntegrationGate.Sleeper.parking());
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), gate, timer.ticker(),
                timer, List.of());
        CountDownLatch refused = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CallRunner runner = (call, args) -> {
            record(call.id());
            if (call.id().equals("first") && calls.incrementAndGet() == 1) {
                refused.countDown();
                throw new RateLimitedException("429 Too Many Requests", retryAfter);
            }
            return new ToolOutput(TextNode.valueOf("ok"), null);
        };

        TurnRun first = scheduler.start(plan(call("first", "jira")), runner, options(Duration.ofSeconds(30), 10));
        assertThat(refused.await(10, TimeUnit.SECONDS)).isTrue();
        long refusedAt = clock.read();
        timer.awaitDue(1, retryAfter); // the refusal has been handled: the rerun waits on the timer
        assertThat(gate.pauseRemaining("jira")).isPresent();
        TurnRun second = scheduler.start(plan(call("second", "jira")), runner, options(Duration.ofSeconds(30), 10));
        timer.awaitDue(2, retryAfter); // and so does the second call, paused with the integration
        timer.advance(retryAfter);

        assertThat(first.outcome(0).get(10, TimeUnit.SECONDS).attempts()).isEqualTo(2);
        assertThat(second.outcome(0).get(10, TimeUnit.SECONDS).ok()).isTrue();
        List<Long> firstStarts = starts.get("first");
        assertThat(firstStarts.get(1) - firstStarts.get(0)).isGreaterThanOrEqualTo(retryAfter.toNanos());
        assertThat(starts.get("second").get(0) - refusedAt)
                .as("another call of the paused integration waited too").isGreaterThanOrEqualTo(retryAfter.toNanos() - 20_000_000L);
    }

    @Test
    void should_answer_rate_limited_when_the_upstream_asks_for_more_than_the_budget() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(),
                new IntegrationGate(Map.of()), Ticker.system(), Schedulers.TIMER, List.of());

        CallOutcome outcome = scheduler.start(plan(call("c1", "jira")), (call, args) -> {
            throw new RateLimitedException("429 slow down", Duration.ofMinutes(5));
        }, options(Duration.ofSeconds(5), 10)).outcome(0).get(10, TimeUnit.SECONDS);

        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(outcome.error()).isEqualTo("429 slow down; waiting 300 s as the upstream asked would exceed the turn's budget");
    }
}
