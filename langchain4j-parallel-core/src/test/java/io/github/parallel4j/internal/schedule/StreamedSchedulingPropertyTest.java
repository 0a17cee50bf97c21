package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.OpenPlan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.testing.MustFinishBefore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The streaming variant of {@link TurnSchedulingPropertyTest}: random messages whose calls arrive one by one with
 * random gaps while the earlier ones run, references pointing backward and forward (to calls not arrived yet, or to
 * none), checked against an oracle written from the rules, not from the open plan's graph: every call runs at most
 * once and gets exactly one outcome; a call that ran had every call it refers to finished, successfully, before it
 * started; conflicting calls that both ran never overlapped and kept the model's order; and, when references and
 * conflicts form no cycle, every call ran unless it was meant not to (a missing key, a reference to no call, a failed
 * dependency).
 */
class StreamedSchedulingPropertyTest {

    /**
     * 0 unkeyed read, 1 keyed read, 2 keyed write, 3 exclusive write, 4 keyed write missing its key argument.
     * A reference names {@code call_r} for any r, itself included, or {@code call_99}, which no call has.
     */
    record Call(int kind, int key, List<Integer> refs, int latencyMicros, int gapMicros, boolean fails) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOOLS = {"read", "order", "cancel", "slack", "cancel"};
    private static final int NO_CALL = 99;
    private static final TurnScheduler SCHEDULER = Schedulers.scheduler();

    @Provide
    Arbitrary<List<Call>> messages() {
        return Arbitraries.integers().between(1, 8).flatMap(n -> {
            Arbitrary<List<Integer>> refs = Arbitraries.oneOf(
                    Arbitraries.just(List.of()),
                    Arbitraries.just(List.of()),
                    Arbitraries.integers().between(0, n).map(r -> r == n ? NO_CALL : r).list().ofMinSize(1)
                            .ofMaxSize(2));
            return Combinators.combine(
                            Arbitraries.integers().between(0, 4).edgeCases(c -> c.includeOnly(0, 3)),
                            Arbitraries.integers().between(0, 2),
                            refs,
                            Arbitraries.integers().between(0, 1500),
                            Arbitraries.integers().between(0, 1500),
                            Arbitraries.integers().between(0, 9).map(x -> x == 0))
                    .as(Call::new).list().ofSize(n);
        });
    }

    @Property(tries = 400)
    void every_streamed_message_runs_safely(@ForAll("messages") List<Call> message) throws Exception {
        runArrivingInOrder(message, "call_");
    }

    /**
     * The same with ids not named {@code call...} (Anthropic's {@code toolu_...}): a reference to a call that has not
     * arrived still waits for it and is filled, and {@code $toolu_99.v}, no call's id, is plain text that reaches the
     * tool unchanged once the message is closed, as in a whole message.
     */
    @Property(tries = 250)
    void every_streamed_message_with_ids_of_any_spelling_runs_safely(@ForAll("messages") List<Call> message)
            throws Exception {
        runArrivingInOrder(message, "toolu_");
    }

    private static void runArrivingInOrder(List<Call> message, String prefix) throws Exception {
        int n = message.size();
        java.util.concurrent.atomic.AtomicReferenceArray<JsonNode> given =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(n);
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        AtomicLongArray starts = new AtomicLongArray(n);
        AtomicLongArray ends = new AtomicLongArray(n);
        OpenPlan plan = new Planner(64, Schedulers.POLICIES::get, Planner.UnknownTools.REJECT).open();
        StreamedTurn run = SCHEDULER.open(plan.snapshot(), (call, arguments) -> {
            int i = call.index();
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
        for (int i = 0; i < n; i++) {
            run.add(plan.add(request(i, message.get(i), prefix)));
            LockSupport.parkNanos(message.get(i).gapMicros() * 1_000L); // the model still decoding the next call
        }
        run.messageClosed(plan.close(Set.of(), Map.of()));
        run.seal();
        List<CallOutcome> outcomes = run.whenDone().get(30, TimeUnit.SECONDS);

        int[] position = new int[n];
        for (int i = 0; i < n; i++) {
            position[i] = i;
        }
        check(message, outcomes, runs, starts, ends, position, prefix);
        for (int i = 0; i < n; i++) {
            if (runs.get(i) == 1) {
                for (int r = 0; r < message.get(i).refs().size(); r++) {
                    int target = message.get(i).refs().get(r);
                    assertThat(given.get(i).get("refs").get(r).toString()).as("call %d's reference %d", i, r)
                            .isEqualTo(target == NO_CALL ? "\"$" + prefix + NO_CALL + ".v\"" : String.valueOf(target));
                }
            }
        }
    }

    /**
     * The variant where arrivals race: each call arrives on a thread of its own after its gap (LangChain4j's threads),
     * and the complete response comes at a random moment on another thread, racing them. As the AI service glue does,
     * the close adds the calls that have not arrived yet, in the model's order, and seals the turn; a thread that
     * comes later finds its call there. The oracle's order is the order the calls joined.
     */
    @Property(tries = 250)
    void every_streamed_message_runs_safely_when_calls_arrive_on_several_threads_and_the_message_closes_early(
            @ForAll("messages") List<Call> message, @ForAll("closes") int closeMicros) throws Exception {
        int n = message.size();
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        AtomicLongArray starts = new AtomicLongArray(n);
        AtomicLongArray ends = new AtomicLongArray(n);
        OpenPlan plan = new Planner(64, Schedulers.POLICIES::get, Planner.UnknownTools.REJECT).open();
        StreamedTurn run = SCHEDULER.open(plan.snapshot(), (call, arguments) -> {
            int i = Integer.parseInt(call.id().substring("call_".length()));
            runs.incrementAndGet(i);
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
        Object batch = new Object(); // the batch's monitor: one arrival at a time, as StreamedBatch orders them
        int[] position = new int[n];
        java.util.Arrays.fill(position, -1);
        int[] joined = {0};
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int call = i;
            long delay = 0;
            for (int g = 0; g < i; g++) {
                delay += message.get(g).gapMicros();
            }
            long wait = delay;
            threads.add(new Thread(() -> {
                LockSupport.parkNanos(wait * 1_000L);
                synchronized (batch) {
                    if (position[call] < 0) {
                        position[call] = joined[0]++;
                        run.add(plan.add(request(call, message.get(call), "call_")));
                    }
                }
            }));
        }
        threads.add(new Thread(() -> {
            LockSupport.parkNanos(closeMicros * 1_000L);
            synchronized (batch) {
                Set<String> coming = new java.util.HashSet<>();
                for (int i = 0; i < n; i++) {
                    if (position[i] < 0) {
                        coming.add("call_" + i);
                    }
                }
                run.messageClosed(plan.close(coming, Map.of()));
                for (int i = 0; i < n; i++) {
                    if (position[i] < 0) {
                        position[i] = joined[0]++;
                        run.add(plan.add(request(i, message.get(i), "call_")));
                    }
                }
                run.seal();
            }
        }));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(30_000);
        }
        List<CallOutcome> outcomes = run.whenDone().get(30, TimeUnit.SECONDS);
        List<CallOutcome> byMessage = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byMessage.add(outcomes.get(position[i]));
        }
        check(message, byMessage, runs, starts, ends, position, "call_");
    }

    @Provide
    Arbitrary<Integer> closes() {
        return Arbitraries.integers().between(0, 6000).edgeCases(c -> c.includeOnly(0));
    }

    /**
     * The oracle. {@code outcomes}, {@code runs}, {@code starts} and {@code ends} are by the call's place in the
     * message; {@code position} is the order the calls joined the turn, which conflicts keep.
     */
    private static void check(List<Call> message, List<CallOutcome> outcomes, AtomicIntegerArray runs,
            AtomicLongArray starts, AtomicLongArray ends, int[] position, String prefix) {
        boolean noCallIsText = !prefix.startsWith("call"); // as a whole message reads $toolu_99
        int n = message.size();
        boolean cycle = hasCycle(message, position);
        Statistics.label("message").collect(cycle ? "cycle" : outcomes.stream().allMatch(CallOutcome::ok)
                ? "all ok" : "some failed");
        assertThat(outcomes).hasSize(n);
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
            for (int j = 0; j < n; j++) {
                if (position[i] < position[j] && conflict(c, message.get(j)) && runs.get(i) == 1
                        && runs.get(j) == 1) {
                    assertThat(ends.get(i)).as("call %d ended before conflicting %d started", i, j)
                            .isLessThanOrEqualTo(starts.get(j));
                }
            }
            if (cycle) {
                continue;
            }
            boolean unresolved = c.refs().contains(NO_CALL) && !noCallIsText;
            boolean dependencyFailed = c.refs().stream().anyMatch(r -> r != NO_CALL && !outcomes.get(r).ok());
            if (c.kind() == 4) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
            } else if (unresolved) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
            } else if (dependencyFailed) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.DEPENDENCY_FAILED);
            } else {
                assertThat(runs.get(i)).as("call %d ran", i).isEqualTo(1);
                assertThat(o.ok()).isEqualTo(!c.fails());
            }
        }
    }

    private static CallRequest request(int i, Call c, String prefix) {
        StringBuilder args = new StringBuilder("{\"refs\":[");
        for (int r = 0; r < c.refs().size(); r++) {
            args.append(r == 0 ? "" : ",").append("\"$").append(prefix).append(c.refs().get(r)).append(".v\"");
        }
        args.append("]");
        if (c.kind() != 4) {
            args.append(",\"orderId\":\"k").append(c.key()).append('"');
        }
        return new CallRequest(prefix + i, TOOLS[c.kind()], args.append('}').toString());
    }

    private static boolean conflict(Call a, Call b) {
        if (a.kind() == 4 || b.kind() == 4) {
            return false; // never runs
        }
        if (a.kind() == 3 || b.kind() == 3) {
            return true;
        }
        boolean keyed = (a.kind() == 1 || a.kind() == 2) && (b.kind() == 1 || b.kind() == 2);
        return keyed && a.key() == b.key() && (a.kind() == 2 || b.kind() == 2);
    }

    /** Whether "must finish before" (join order for conflicts, references for data) has a cycle. */
    private static boolean hasCycle(List<Call> message, int[] position) {
        int n = message.size();
        MustFinishBefore before = new MustFinishBefore(n);
        for (int j = 0; j < n; j++) {
            for (int r : message.get(j).refs()) {
                if (r != NO_CALL) {
                    before.edge(r, j);
                }
            }
            for (int i = 0; i < n; i++) {
                if (position[i] < position[j] && conflict(message.get(i), message.get(j))) {
                    before.edge(i, j);
                }
            }
        }
        return before.hasCycle();
    }
}
