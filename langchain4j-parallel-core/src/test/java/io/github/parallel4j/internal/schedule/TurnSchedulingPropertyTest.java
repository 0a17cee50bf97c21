package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
 * Random batches of random policies, references, latencies and failures, checked against an oracle that knows
 * only the rules of DESIGN.md (not the planner's graph): every call runs at most once and gets exactly one
 * outcome in request order; conflicting calls never overlap and keep emission order; every data dependency
 * finished, successfully, before its dependent started; a cycle runs nothing. Each batch runs on a user's executor or
 * on one taken as the library's own, where the threads a turn wakes launch its other ready calls. And, through AiServices, the same
 * order spelled many ways ({@code 1}, {@code 1.0}, {@code "01"}, {@code " 1"}, {@code 1e0}) by several tool
 * objects, conversations and turns at once on one {@code ParallelTools}: no write to an order overlaps another call
 * on it, and no cached result is seen by another tool object or conversation.
 */
class TurnSchedulingPropertyTest {

    /**
     * 0 unkeyed read, 1 keyed read, 2 keyed write, 3 exclusive write, 4 keyed write missing its key argument.
     * References point backward (to {@code ref % index}) unless {@code forward}, which allows any call, itself
     * included, and so makes cycles.
     */
    record Spec(int kind, int key, List<Integer> rawRefs, boolean forward, int latencyMicros, boolean fails) {}

    /** A spec with its references resolved to call indexes. */
    record Call(int kind, int key, List<Integer> refs, int latencyMicros, boolean fails) {}

    private static List<Call> resolve(List<Spec> specs) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            List<Integer> refs = new ArrayList<>();
            for (int r : s.rawRefs()) {
                if (s.forward()) {
                    refs.add(r);
                } else if (i > 0) {
                    refs.add(r % i);
                }
            }
            calls.add(new Call(s.kind(), s.key(), refs, s.latencyMicros(), s.fails()));
        }
        return calls;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOOLS = {"read", "order", "cancel", "slack", "cancel"};
    private static final TurnScheduler SCHEDULER = Schedulers.scheduler();
    /** The same on an executor taken as the library's own: the threads a turn wakes launch more calls (Launches). */
    private static final TurnScheduler FANNING = new TurnScheduler(Schedulers.POOL, new ResourceLocks(), CallGate.OPEN,
            Ticker.system(), Schedulers.TIMER, List.of(), count -> {}, true);

    @Provide
    Arbitrary<List<Spec>> batches() {
        return Arbitraries.integers().between(1, 10).flatMap(n -> {
            Arbitrary<List<Integer>> refs = Arbitraries.oneOf(
                    Arbitraries.just(List.of()),
                    Arbitraries.integers().between(0, n - 1).list().ofMinSize(1).ofMaxSize(2));
            Arbitrary<Spec> spec = Combinators.combine(
                            Arbitraries.integers().between(0, 4).edgeCases(c -> c.includeOnly(0, 3)),
                            Arbitraries.integers().between(0, 2),
                            refs,
                            Arbitraries.integers().between(0, 9).map(x -> x == 0),
                            Arbitraries.integers().between(0, 1500),
                            Arbitraries.integers().between(0, 9).map(x -> x == 0))
                    .as(Spec::new);
            return spec.list().ofSize(n);
        });
    }

    @Property(tries = 1000)
    void every_batch_runs_safely(@ForAll("batches") List<Spec> specs, @ForAll boolean fanning) throws Exception {
        List<Call> batch = resolve(specs);
        int n = batch.size();
        List<CallRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Call s = batch.get(i);
            StringBuilder args = new StringBuilder("{\"refs\":[");
            for (int r = 0; r < s.refs().size(); r++) {
                args.append(r == 0 ? "" : ",").append("\"$call_").append(s.refs().get(r)).append(".v\"");
            }
            args.append("]");
            if (s.kind() != 4) {
                args.append(",\"orderId\":\"k").append(s.key()).append('"');
            }
            requests.add(new CallRequest("call_" + i, TOOLS[s.kind()], args.append('}').toString()));
        }
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        AtomicLongArray starts = new AtomicLongArray(n);
        AtomicLongArray ends = new AtomicLongArray(n);

        Plan plan = new Planner(64, Schedulers.POLICIES::get, Planner.UnknownTools.REJECT).plan(requests);
        List<CallOutcome> outcomes = (fanning ? FANNING : SCHEDULER).start(plan, (call, arguments) -> {
            int i = call.index();
            runs.incrementAndGet(i);
            starts.set(i, System.nanoTime());
            try {
                LockSupport.parkNanos(batch.get(i).latencyMicros() * 1_000L);
                if (batch.get(i).fails()) {
                    throw new IllegalStateException("boom " + i);
                }
                return new ToolOutput(JSON.readTree("{\"v\":" + i + "}"), null);
            } finally {
                ends.set(i, System.nanoTime());
            }
        }, new TurnOptions(null, null)).whenDone().get(30, TimeUnit.SECONDS);

        boolean cycle = hasCycle(batch);
        Statistics.label("batch").collect(cycle ? "cycle" : outcomes.stream().allMatch(CallOutcome::ok) ? "all ok" : "some failed");
        Statistics.label("size").collect(n < 4 ? "1-3" : n < 8 ? "4-7" : "8-10");
        assertThat(outcomes).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(outcomes.get(i).call().index()).isEqualTo(i);
            assertThat(runs.get(i)).isLessThanOrEqualTo(1);
        }
        if (cycle) {
            for (int i = 0; i < n; i++) {
                assertThat(runs.get(i)).isZero();
                assertThat(outcomes.get(i).errorCode()).isEqualTo(ErrorCode.CYCLE);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            Call s = batch.get(i);
            CallOutcome o = outcomes.get(i);
            boolean dependencyFailed = s.refs().stream().anyMatch(r -> !outcomes.get(r).ok());
            if (s.kind() == 4) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
                assertThat(runs.get(i)).isZero();
            } else if (dependencyFailed) {
                assertThat(o.errorCode()).isEqualTo(ErrorCode.DEPENDENCY_FAILED);
                assertThat(runs.get(i)).isZero();
            } else {
                assertThat(runs.get(i)).as("call %d ran", i).isEqualTo(1);
                assertThat(o.ok()).isEqualTo(!s.fails());
                if (s.fails()) {
                    assertThat(o.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
                }
                for (int r : s.refs()) {
                    assertThat(ends.get(r)).as("call %d finished before %d started", r, i)
                            .isLessThanOrEqualTo(starts.get(i));
                }
            }
            for (int j = i + 1; j < n; j++) {
                if (conflict(s, batch.get(j)) && runs.get(i) == 1 && runs.get(j) == 1) {
                    assertThat(ends.get(i)).as("call %d ended before conflicting %d started", i, j)
                            .isLessThanOrEqualTo(starts.get(j));
                }
            }
        }
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

    /** Whether "must finish before" (emission order for conflicts, references for data) has a cycle. */
    private static boolean hasCycle(List<Call> batch) {
        int n = batch.size();
        boolean[][] before = new boolean[n][n];
        for (int j = 0; j < n; j++) {
            for (int r : batch.get(j).refs()) {
                before[r][j] = true;
            }
            for (int i = 0; i < j; i++) {
                if (conflict(batch.get(i), batch.get(j))) {
                    before[i][j] = true;
                }
            }
        }
        int[] state = new int[n];
        for (int i = 0; i < n; i++) {
            if (visit(i, before, state)) {
                return true;
            }
        }
        return false;
    }

    private static boolean visit(int i, boolean[][] before, int[] state) {
        if (state[i] == 1) {
            return true;
        }
        if (state[i] == 2) {
            return false;
        }
        state[i] = 1;
        for (int j = 0; j < before.length; j++) {
            if (before[i][j] && visit(j, before, state)) {
                return true;
            }
        }
        state[i] = 2;
        return false;
    }

    // ---- The same keys spelled many ways, over many tool objects, conversations and turns, through AiServices ----

    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    /** One tenant's tools; every call records the order it received, the tenant and when it ran. */
    public static final class OrderTools {
        final String tenant;
        final List<Interval> log;

        OrderTools(String tenant, List<Interval> log) {
            this.tenant = tenant;
            this.log = log;
        }

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        String order(long orderId) {
            return record(orderId, false, () -> "order " + orderId);
        }

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        @CacheFor(value = 5, unit = ChronoUnit.MINUTES)
        String status(long orderId, @ToolMemoryId Object conversation) {
            return record(orderId, false, () -> tenant + "/" + conversation + "/" + orderId);
        }

        @Tool
        @Writes(resourceKey = "order:{orderId}")
        String cancel(long orderId) {
            return record(orderId, true, () -> "cancelled " + orderId);
        }

        private String record(long orderId, boolean writes, java.util.function.Supplier<String> result) {
            long start = System.nanoTime();
            LockSupport.parkNanos(200_000);
            String value = result.get();
            log.add(new Interval(orderId, writes, start, System.nanoTime()));
            return value;
        }
    }

    record Interval(long orderId, boolean writes, long start, long end) {}

    /** One call: 0 order, 1 status (cached), 2 cancel; the order's value; how it is spelled. */
    record KeyedCall(int tool, int value, int spelling) {}

    /** Who talks: which tool object (tenant), which conversation, and the turns the model asks for. */
    record Session(int tenant, int conversation, List<List<KeyedCall>> turns) {}

    private static final String[] KEYED_TOOLS = {"order", "status", "cancel"};
    private static final String[] SPELLINGS = {"%d", "%d.0", "\"%d\"", "\" %d\"", "\"0%d\"", "%de0", "\"%d \"",
        "\" 00%d \"", "%d.000", "\"%d.0\""};
    private static final java.util.concurrent.ExecutorService SESSIONS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-session");
        t.setDaemon(true);
        return t;
    });

    @Provide
    Arbitrary<List<Session>> sessions() {
        Arbitrary<KeyedCall> call = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, SPELLINGS.length - 1))
                .as(KeyedCall::new);
        Arbitrary<List<List<KeyedCall>>> turns = call.list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Session> session = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2), turns).as(Session::new);
        return session.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 100)
    void keyed_calls_never_overlap_however_spelled_and_results_stay_with_their_tool_and_conversation(
            @ForAll("sessions") List<Session> sessions) throws Exception {
        List<Interval> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofSeconds(20)).build();
        List<OrderTools> tenants = List.of(new OrderTools("t0", log), new OrderTools("t1", log),
                new OrderTools("t2", log));
        List<ScriptedChatModel> models = new ArrayList<>();
        List<java.util.concurrent.Future<String>> running = new ArrayList<>();
        for (Session session : sessions) {
            ScriptedChatModel model = script(session);
            models.add(model);
            Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tenants.get(session.tenant()))
                    .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(200))
                    .chatModel(model).build();
            running.add(SESSIONS.submit(() -> assistant.chat("u" + session.conversation(), "go")));
        }
        for (java.util.concurrent.Future<String> session : running) {
            session.get(60, TimeUnit.SECONDS);
        }

        for (Interval a : log) {
            for (Interval b : log) {
                if (a != b && a.orderId() == b.orderId() && (a.writes() || b.writes())) {
                    assertThat(a.end() <= b.start() || b.end() <= a.start())
                            .as("a write to order %d overlapped another call on it: %s, %s", a.orderId(), a, b).isTrue();
                }
            }
        }
        for (int k = 0; k < sessions.size(); k++) {
            String own = "t" + sessions.get(k).tenant() + "/u" + sessions.get(k).conversation() + "/";
            for (ToolExecutionResultMessage result : ScriptedChatModel.toolResultMessages(models.get(k).lastRequest())) {
                JsonNode observation = JSON.readTree(result.text());
                assertThat(observation.get("ok").asBoolean()).as(result.text()).isTrue();
                if (result.toolName().equals("status")) {
                    assertThat(observation.get("result").asText()).as("a status seen by %s", own).startsWith(own);
                }
            }
        }
        Statistics.label("sessions").collect(sessions.size());
    }

    private static ScriptedChatModel script(Session session) {
        List<java.util.function.Function<dev.langchain4j.model.chat.request.ChatRequest, AiMessage>> steps =
                new ArrayList<>();
        for (int t = 0; t < session.turns().size(); t++) {
            List<ToolExecutionRequest> calls = new ArrayList<>();
            List<KeyedCall> turn = session.turns().get(t);
            for (int i = 0; i < turn.size(); i++) {
                KeyedCall c = turn.get(i);
                String value = SPELLINGS[c.spelling()].replace("%d", Integer.toString(c.value()));
                calls.add(ScriptedChatModel.call("t" + t + "_" + i, KEYED_TOOLS[c.tool()], "{\"orderId\":" + value + "}"));
            }
            steps.add(request -> AiMessage.from(calls));
        }
        steps.add(request -> AiMessage.from("done"));
        @SuppressWarnings("unchecked")
        java.util.function.Function<dev.langchain4j.model.chat.request.ChatRequest, AiMessage>[] array =
                steps.toArray(new java.util.function.Function[0]);
        return new ScriptedChatModel(array);
    }
}
