package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.IntegrationGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random turns running at once on one scheduler, with random caps, rates, keys, references, retries and budgets:
 * whatever held each call, what was recorded never adds up to more than the time from its arrival to its start (or
 * to its outcome, when it never started), the waits for predecessors never to more than the time to ready, and the
 * admission's waits never to more than the time from ready to start. The steps' waits are disjoint and each is
 * measured as it happens, so a step that counted a wait twice, or past the call's outcome, fails here.
 */
class HeldWaitPropertyTest {

    private static final String[] TOOLS = {"read", "order", "cancel", "slack", "ticket", "flaky"};
    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "order", ToolPolicy.read("order:{id}"),
            "cancel", ToolPolicy.write("order:{id}"),
            "slack", ToolPolicy.exclusiveWrite(),
            "ticket", ToolPolicy.read().withIntegration("jira"),
            "flaky", ToolPolicy.read("order:{id}").withIntegration("jira")
                    .withFailurePolicy(FailurePolicy.retry(2, Duration.ofMillis(1), Duration.ofMillis(2))));
    private static final Planner PLANNER = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call: its tool, its key, whether it references the call before it, how long it works, whether it fails. */
    record Spec(int tool, int key, boolean refersBack, int workMicros, boolean failsOnce) {}

    @Provide
    Arbitrary<List<List<Spec>>> turns() {
        Arbitrary<Spec> spec = Combinators.combine(Arbitraries.integers().between(0, TOOLS.length - 1),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3).map(x -> x == 0),
                Arbitraries.integers().between(0, 2_000), Arbitraries.integers().between(0, 4).map(x -> x == 0))
                .as(Spec::new);
        return spec.list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 150)
    void recorded_waits_never_exceed_the_time_before_the_start(@ForAll("turns") List<List<Spec>> turns,
            @ForAll @IntRange(min = 0, max = 2) int jiraCap, @ForAll @IntRange(min = 0, max = 3) int jvmCap,
            @ForAll @IntRange(min = 0, max = 2) int turnCap, @ForAll boolean rated, @ForAll boolean invocation,
            @ForAll boolean budgeted) throws Exception {
        IntegrationLimits.Builder jira = IntegrationLimits.builder();
        if (jiraCap > 0) {
            jira.maxConcurrent(jiraCap);
        }
        if (rated) {
            jira.rate(2, Duration.ofMillis(20));
        }
        IntegrationGate gate = new IntegrationGate(Map.of("jira", jira.build()), jvmCap, Ticker.system(),
                IntegrationGate.Sleeper.parking());
        TurnScheduler scheduler = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), gate, Ticker.system(),
                Schedulers.TIMER, List.of());
        ReentrantReadWriteLock lock = invocation ? new ReentrantReadWriteLock() : null;
        TurnOptions options = new TurnOptions(budgeted ? Duration.ofMillis(4) : null, lock, null, turnCap, 3, 0, null);

        List<TurnRun> runs = new ArrayList<>();
        for (List<Spec> turn : turns) {
            runs.add(scheduler.start(plan(turn), runner(turn), options));
        }
        for (TurnRun run : runs) {
            for (CallOutcome outcome : run.whenDone().get(30, TimeUnit.SECONDS)) {
                check(outcome);
            }
        }
    }

    private static void check(CallOutcome outcome) {
        long total = 0;
        long before = 0;
        for (Map.Entry<HeldBy, Long> held : outcome.heldNanos().entrySet()) {
            assertThat(held.getValue()).as("%s of %s", held.getKey(), outcome.call().id()).isPositive();
            total += held.getValue();
            Statistics.label("steps").collect(held.getKey());
            if (held.getKey() == HeldBy.DATA || held.getKey() == HeldBy.CONFLICT) {
                before += held.getValue();
            }
        }
        assertThat(outcome.heldNanos().keySet()).as("every named step held the call")
                .containsAll(outcome.heldOn().keySet());
        long decided = outcome.started() ? outcome.startNanos() : outcome.endNanos();
        assertThat(total).as("all that held %s: %s", outcome.call().id(), outcome.heldNanos())
                .isLessThanOrEqualTo(decided);
        if (outcome.readyNanos() >= 0) {
            assertThat(before).as("what %s waited for before it was ready", outcome.call().id())
                    .isLessThanOrEqualTo(outcome.readyNanos());
            assertThat(total - before).as("what held %s after it was ready: %s", outcome.call().id(),
                    outcome.heldNanos()).isLessThanOrEqualTo(decided - outcome.readyNanos());
        } else { // closed before it was ready: its predecessors held it up to the close, nothing after
            assertThat(before).as("what %s waited for until its turn closed", outcome.call().id())
                    .isEqualTo(total).isLessThanOrEqualTo(outcome.endNanos());
        }
    }

    private static Plan plan(List<Spec> turn) {
        List<CallRequest> requests = new ArrayList<>();
        for (int i = 0; i < turn.size(); i++) {
            Spec s = turn.get(i);
            String reference = s.refersBack() && i > 0 ? ",\"ref\":\"$call_" + (i - 1) + ".v\"" : "";
            requests.add(new CallRequest("call_" + i, TOOLS[s.tool()], "{\"id\":\"k" + s.key() + "\"" + reference + "}"));
        }
        return PLANNER.plan(requests);
    }

    private static CallRunner runner(List<Spec> turn) {
        AtomicInteger[] attempts = new AtomicInteger[turn.size()];
        for (int i = 0; i < attempts.length; i++) {
            attempts[i] = new AtomicInteger();
        }
        return (call, arguments) -> {
            Spec s = turn.get(call.index());
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(s.workMicros())); // the tool's own work
            if (s.failsOnce() && attempts[call.index()].incrementAndGet() == 1) {
                throw new IllegalStateException("flaky backend");
            }
            return new ToolOutput(JSON.readTree("{\"v\":1}"), null);
        };
    }
}
