package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.StreamedTurn;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.internal.schedule.TurnOptions;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.testing.MustFinishBefore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The real {@link StreamedBatch} and {@link StreamedMessage} with arrivals that race: the stream announces a message's
 * calls in the model's order, each call's executor thread then reaches the batch after a random delay of its own (so
 * in any order, before or after the complete response), and the complete response closes the batch at a random moment.
 * The oracle is the model's order (DESIGN.md: conflicting calls run in the order the model wrote them and never
 * overlap), not the order the threads joined: every call gets exactly one place and one outcome and runs at most once;
 * its place is its index in the model's order; a call that ran had every call it refers to finished successfully
 * before it started; conflicting calls that both ran never overlapped, the model's earlier one first; without a cycle,
 * every call ran unless it was meant not to. Ids are {@code call_…} or {@code toolu_…}; references name earlier or
 * later calls, the call itself, or no call ({@code $…99}); some calls carry unrelated {@code $} text, which must reach
 * the tool unchanged.
 */
class StreamedBatchPropertyTest {

    /** 0 unkeyed read, 1 keyed read, 2 keyed write, 3 exclusive write. */
    record Call(int kind, int key, List<Integer> refs, int latencyMicros, int gapMicros, int executorDelayMicros,
            boolean fails, boolean note) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOOLS = {"read", "order", "cancel", "slack"};
    private static final String NOTE = "costs $USD at ${HOME} today";
    private static final int NO_CALL = 99;
    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "order", ToolPolicy.read("order:{orderId}"),
            "cancel", ToolPolicy.write("order:{orderId}"),
            "slack", ToolPolicy.exclusiveWrite());
    private static final ExecutorService POOL = Executors.newCachedThreadPool(daemon("tools"));
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(daemon("timer"));
    private static final TurnScheduler SCHEDULER = new TurnScheduler(POOL, new ResourceLocks(), CallGate.OPEN,
            Ticker.system(), TIMER, List.of());

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @AfterContainer
    static void stop() {
        POOL.shutdownNow();
        TIMER.shutdownNow();
    }

    @Provide
    Arbitrary<List<Call>> messages() {
        return Arbitraries.integers().between(1, 7).flatMap(n -> {
            Arbitrary<List<Integer>> refs = Arbitraries.oneOf(
                    Arbitraries.just(List.of()),
                    Arbitraries.just(List.of()),
                    Arbitraries.just(List.of()),
                    Arbitraries.integers().between(0, n).map(r -> r == n ? NO_CALL : r).list().ofMinSize(1)
                            .ofMaxSize(2));
            return Combinators.combine(
                            Arbitraries.integers().between(0, 3),
                            Arbitraries.integers().between(0, 1),
                            refs,
                            Arbitraries.integers().between(0, 1500),
                            Arbitraries.integers().between(0, 500),
                            Arbitraries.integers().between(0, 3000).edgeCases(c -> c.includeOnly(0)),
                            Arbitraries.integers().between(0, 9).map(x -> x == 0),
                            Arbitraries.integers().between(0, 3).map(x -> x == 0))
                    .as(Call::new).list().ofSize(n);
        });
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("call_", "toolu_");
    }

    @Property(tries = 200)
    void every_racing_streamed_message_keeps_the_models_order(@ForAll("messages") List<Call> message,
            @ForAll("prefixes") String prefix, @ForAll("closes") int closeMicros) throws Exception {
        int n = message.size();
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        AtomicLongArray starts = new AtomicLongArray(n);
        AtomicLongArray ends = new AtomicLongArray(n);
        AtomicReferenceArray<JsonNode> given = new AtomicReferenceArray<>(n);
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(request(i, message.get(i), prefix));
        }
        StreamedMessage streamed = new StreamedMessage(POLICIES.keySet());
        AtomicReference<StreamedTurn> turn = new AtomicReference<>();
        Planner planner = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT, false);
        StreamedBatch batch = new StreamedBatch(planner.open(), streamed, POLICIES::containsKey, (empty, b) -> {
            StreamedTurn run = SCHEDULER.open(empty, (call, arguments) -> {
                int i = Integer.parseInt(call.id().substring(prefix.length()));
                runs.incrementAndGet(i);
                given.set(i, arguments);
                starts.set(i, System.nanoTime());
                try {
                    LockSupport.parkNanos(message.get(i).latencyMicros() * 1_000L);
                    if (message.get(i).fails()) {
                        throw new IllegalStateException("boom " + i);
                    }
                    return new ToolOutput(JSON.readTree("{\"v\":" + i + "}"), null);
                } finally {
                    ends.set(i, System.nanoTime());
                }
            }, new TurnOptions(null, null), SCHEDULER.capture());
            turn.set(run);
            return run;
        });

        AtomicReferenceArray<StreamedBatch.Joined> places = new AtomicReferenceArray<>(n);
        List<Thread> executors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int call = i;
            streamed.announce(requests.get(i)); // on the stream's thread, before the executor is handed the call
            Thread executor = new Thread(() -> {
                LockSupport.parkNanos(message.get(call).executorDelayMicros() * 1_000L);
                places.set(call, batch.join(requests.get(call)));
            }, "executor-" + i);
            executors.add(executor);
            executor.start();
            LockSupport.parkNanos(message.get(i).gapMicros() * 1_000L); // the model decoding the next call
        }
        streamed.complete(requests);
        LockSupport.parkNanos(closeMicros * 1_000L);
        batch.close(requests, Map.of());
        for (Thread executor : executors) {
            executor.join(30_000);
        }

        List<CallOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StreamedBatch.Joined place = places.get(i);
            assertThat(place).as("call %d found its place", i).isNotNull();
            assertThat(place.index()).as("call %d's place is its index in the model's order", i).isEqualTo(i);
            assertThat(place.run()).isSameAs(turn.get());
            outcomes.add(place.run().outcome(place.index()).get(30, TimeUnit.SECONDS));
        }
        List<CallOutcome> all = turn.get().whenDone().get(30, TimeUnit.SECONDS);
        assertThat(batch.inModelOrder(all)).extracting(o -> o.call().id())
                .containsExactlyElementsOf(requests.stream().map(ToolExecutionRequest::id).toList());
        assertThat(batch.expectsCalls()).isFalse();
        check(message, outcomes, runs, starts, ends, prefix);
        for (int i = 0; i < n; i++) {
            if (runs.get(i) == 1 && message.get(i).note()) {
                assertThat(given.get(i).get("note").asText()).as("call %d's text", i).isEqualTo(NOTE);
            }
        }
    }

    @Provide
    Arbitrary<Integer> closes() {
        return Arbitraries.integers().between(0, 3000).edgeCases(c -> c.includeOnly(0));
    }

    /** The oracle, from the rules; everything by the call's index in the model's order. */
    private static void check(List<Call> message, List<CallOutcome> outcomes, AtomicIntegerArray runs,
            AtomicLongArray starts, AtomicLongArray ends, String prefix) {
        boolean noCallIsText = !prefix.startsWith("call"); // as a whole message reads $toolu_99
        int n = message.size();
        boolean cycle = hasCycle(message);
        Statistics.label("message").collect(cycle ? "cycle" : outcomes.stream().allMatch(CallOutcome::ok)
                ? "all ok" : "some failed");
        for (int i = 0; i < n; i++) {
            Call c = message.get(i);
            CallOutcome o = outcomes.get(i);
            assertThat(o.call().id()).isEqualTo(prefix + i);
            assertThat(runs.get(i)).as("call %d ran at most once", i).isLessThanOrEqualTo(1);
            if (runs.get(i) == 1) {
                for (int r : c.refs()) {
                    assertThat(r).as("call %d ran with a reference to itself", i).isNotEqualTo(i);
                    if (r == NO_CALL) {
                        assertThat(noCallIsText).as("call %d ran with a reference to no call", i).isTrue();
                        continue;
                    }
                    assertThat(outcomes.get(r).ok()).as("call %d ran although call %d failed", i, r).isTrue();
                    assertThat(ends.get(r)).as("call %d finished before %d started", r, i)
                            .isLessThanOrEqualTo(starts.get(i));
                }
            }
            for (int j = i + 1; j < n; j++) {
                if (conflict(c, message.get(j)) && runs.get(i) == 1 && runs.get(j) == 1) {
                    assertThat(ends.get(i)).as("call %d ended before conflicting %d started (the model's order)", i, j)
                            .isLessThanOrEqualTo(starts.get(j));
                }
            }
            if (cycle) {
                continue;
            }
            boolean unresolved = c.refs().contains(NO_CALL) && !noCallIsText;
            boolean dependencyFailed = c.refs().stream().anyMatch(r -> r != NO_CALL && !outcomes.get(r).ok());
            if (unresolved) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
            } else if (dependencyFailed) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.DEPENDENCY_FAILED);
            } else {
                assertThat(runs.get(i)).as("call %d ran", i).isEqualTo(1);
                assertThat(o.ok()).isEqualTo(!c.fails());
            }
        }
    }

    private static ToolExecutionRequest request(int i, Call c, String prefix) {
        StringBuilder args = new StringBuilder("{\"refs\":[");
        for (int r = 0; r < c.refs().size(); r++) {
            args.append(r == 0 ? "" : ",").append("\"$").append(prefix).append(c.refs().get(r)).append(".v\"");
        }
        args.append("],\"orderId\":\"k").append(c.key()).append('"');
        if (c.note()) {
            args.append(",\"note\":\"").append(NOTE).append('"');
        }
        return ToolExecutionRequest.builder().id(prefix + i).name(TOOLS[c.kind()]).arguments(args.append('}')
                .toString()).build();
    }

    private static boolean conflict(Call a, Call b) {
        if (a.kind() == 3 || b.kind() == 3) {
            return true;
        }
        boolean keyed = (a.kind() == 1 || a.kind() == 2) && (b.kind() == 1 || b.kind() == 2);
        return keyed && a.key() == b.key() && (a.kind() == 2 || b.kind() == 2);
    }

    /** Whether "must finish before" (the model's order for conflicts, references for data) has a cycle. */
    private static boolean hasCycle(List<Call> message) {
        int n = message.size();
        MustFinishBefore before = new MustFinishBefore(n);
        for (int j = 0; j < n; j++) {
            for (int r : message.get(j).refs()) {
                if (r != NO_CALL) {
                    before.edge(r, j);
                }
            }
            for (int i = 0; i < j; i++) {
                if (conflict(message.get(i), message.get(j))) {
                    before.edge(i, j);
                }
            }
        }
        return before.hasCycle();
    }
}
