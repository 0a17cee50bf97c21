package io.github.parallel4j.bench;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * The hand-off probe: what a turn costs between the AI message and the tools, and between the tools and the next
 * model call. A scripted model timestamps the moment it returns the AI message (N calls of one tool) and the
 * moment it is called again with the results; the tool timestamps its start and end and sleeps a fixed time. Per
 * turn: AI message → first start, AI message → last start, last end → next model call, and the whole span minus
 * the tools' own schedule (one tool time when the calls run together, N when they run one after another). Each
 * figure is the p50 over the measured turns, which run one at a time on one thread after warm-up turns.
 *
 * <p>Each contender is measured twice in its JVM: <em>early</em>, after a few warm-up turns, when most of its code is
 * still interpreted or compiled without the JIT's optimisations (a replica's first minutes), and <em>steady</em>, after
 * enough turns of instant tools that the JIT has compiled the path of every call (a server that has served many
 * thousand turns, its compilers quiet). Both are reported; the targets are judged on the steady figures.
 */
final class HandOff {

    /** The batch sizes probed. */
    static final int[] SIZES = {1, 8, 64};

    /** The contenders probed, with the library at its defaults. */
    static final List<Contender> CONTENDERS = List.of(Contender.SEQUENTIAL, Contender.CONCURRENT, Contender.LIBRARY,
            Contender.LIBRARY_NO_BUDGET);

    /**
     * The p50s of one contender at one batch size, in ms.
     *
     * @param contender who ran the turns
     * @param calls calls per turn
     * @param steady measured after the JIT warm-up, or early
     * @param turns measured turns
     * @param firstStart AI message → first tool start
     * @param lastStart AI message → last tool start
     * @param nextCall last tool end → next model call
     * @param overhead AI message → next model call, minus the tools' own schedule
     * @param jitMillis the JIT compilers' time while the measured turns ran (the JVM's total, in ms), which shows
     *     whether a measurement was of compiled code or competed with its compilation for the cores
     */
    record Row(Contender contender, int calls, boolean steady, int turns, double firstStart, double lastStart,
            double nextCall, double overhead, long jitMillis) {}

    /**
     * How big a probe run is: measured turns, warm-up turns, turns for the sequential baseline at 8+ calls, the tool's
     * time, and the turns of instant tools run before the steady measurement: at least {@code jitWarmUpTurns} turns
     * and {@code jitWarmUpCalls} calls. The JIT compiles a method fully after about 10 000 calls of it, but on two
     * cores its queue lags behind: after 30 000 calls of the library's path (2026-12-04, 8 calls a turn) the JIT
     * still compiled for 400–600 ms during the next 300 measured turns, and those turns' hand-off was twice the
     * compiled code's; after 300 000, 3–15 ms.
     */
    record Settings(int turns, int warmUp, int sequentialTurns, long toolMillis, int jitWarmUpCalls,
            int minJitWarmUpTurns) {
        static Settings full() {
            return new Settings(300, 50, 20, 50, 300_000, 2_000);
        }

        static Settings smoke() {
            return new Settings(5, 2, 2, 2, 20, 1);
        }

        /** @return the turns of instant tools before the steady measurement of a turn of {@code calls} calls */
        int jitWarmUpTurns(int calls) {
            return Math.max(minJitWarmUpTurns, jitWarmUpCalls / calls);
        }
    }

    private final Settings settings;
    private final Consumer<String> progress;

    HandOff(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** The probed tool: sleeps, and records when each call of the current turn started and ended. */
    public static final class ProbeTools {
        final AtomicLongArray starts = new AtomicLongArray(64);
        final AtomicLongArray ends = new AtomicLongArray(64);
        /** How long a call sleeps: 0 during the JIT warm-up. */
        volatile long millis;

        ProbeTools(long millis) {
            this.millis = millis;
        }

        /**
         * @param i the call's index in the turn
         * @return the index
         * @throws InterruptedException when interrupted
         */
        @Tool @ParallelSafe
        public String probe(int i) throws InterruptedException {
            starts.set(i, System.nanoTime());
            Thread.sleep(millis); // the tool's own time
            ends.set(i, System.nanoTime());
            return Integer.toString(i);
        }
    }

    /** Returns N calls to a user message and "done" to the results, stamping both moments. */
    static final class ProbeModel implements ChatModel {
        final int calls;
        volatile long aiMessageAt;
        volatile long nextCallAt;

        ProbeModel(int calls) {
            this.calls = calls;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            List<ChatMessage> messages = request.messages();
            if (messages.get(messages.size() - 1) instanceof UserMessage) {
                List<ToolExecutionRequest> batch = new ArrayList<>(calls);
                for (int i = 0; i < calls; i++) {
                    batch.add(ToolExecutionRequest.builder().id("call_" + i).name("probe")
                            .arguments("{\"i\":" + i + "}").build());
                }
                ChatResponse response = ChatResponse.builder().aiMessage(AiMessage.from(batch)).build();
                aiMessageAt = System.nanoTime();
                return response;
            }
            nextCallAt = System.nanoTime();
            return ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
        }
    }

    /** @return one row per contender and batch size */
    List<Row> run() {
        List<Row> rows = new ArrayList<>();
        for (Contender contender : CONTENDERS) {
            for (int calls : SIZES) {
                for (Row row : run(contender, calls)) {
                    progress.accept(String.format(Locale.ROOT, "hand-off %-40s %2d calls %-6s: first start %.3f ms,"
                                    + " last start %.3f ms, next call %.3f ms, overhead %.3f ms, JIT %d ms",
                            contender.label, calls, row.steady() ? "steady" : "early", row.firstStart(),
                            row.lastStart(), row.nextCall(), row.overhead(), row.jitMillis()));
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** @return the early row, then the steady one */
    private List<Row> run(Contender contender, int calls) {
        ProbeTools tools = new ProbeTools(settings.toolMillis());
        ProbeModel model = new ProbeModel(calls);
        Assistant assistant = switch (contender) {
            case SEQUENTIAL -> AiServices.builder(Assistant.class).tools(tools).chatModel(model).build();
            case CONCURRENT -> AiServices.builder(Assistant.class).tools(tools).executeToolsConcurrently()
                    .chatModel(model).build();
            case LIBRARY -> ParallelTools.builder().build().install(AiServices.builder(Assistant.class), tools)
                    .chatModel(model).build();
            case LIBRARY_NO_BUDGET -> ParallelTools.builder().turnTimeout(Duration.ZERO).build()
                    .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
            default -> throw new IllegalArgumentException("not probed: " + contender);
        };
        boolean sequential = contender == Contender.SEQUENTIAL;
        int turns = sequential && calls > 1 ? settings.sequentialTurns() : settings.turns();
        long toolNanos = settings.toolMillis() * 1_000_000L * (sequential ? calls : 1);
        int warmUp = sequential && calls > 1 ? Math.min(settings.warmUp(), settings.sequentialTurns()) : settings.warmUp();
        for (int w = 0; w < warmUp; w++) {
            assistant.chat("warm-up");
        }
        Row early = measure(assistant, tools, model, contender, calls, false, turns, toolNanos);
        tools.millis = 0;
        for (int w = 0, n = settings.jitWarmUpTurns(calls); w < n; w++) {
            assistant.chat("JIT warm-up");
        }
        tools.millis = settings.toolMillis();
        return List.of(early, measure(assistant, tools, model, contender, calls, true, turns, toolNanos));
    }

    private Row measure(Assistant assistant, ProbeTools tools, ProbeModel model, Contender contender, int calls,
            boolean steady, int turns, long toolNanos) {
        double[] first = new double[turns];
        double[] last = new double[turns];
        double[] next = new double[turns];
        double[] overhead = new double[turns];
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitBefore = jit.getTotalCompilationTime();
        for (int t = 0; t < turns; t++) {
            assistant.chat("turn " + t);
            long firstStart = Long.MAX_VALUE;
            long lastStart = Long.MIN_VALUE;
            long lastEnd = Long.MIN_VALUE;
            for (int i = 0; i < calls; i++) {
                firstStart = Math.min(firstStart, tools.starts.get(i));
                lastStart = Math.max(lastStart, tools.starts.get(i));
                lastEnd = Math.max(lastEnd, tools.ends.get(i));
            }
            first[t] = (firstStart - model.aiMessageAt) / 1e6;
            last[t] = (lastStart - model.aiMessageAt) / 1e6;
            next[t] = (model.nextCallAt - lastEnd) / 1e6;
            overhead[t] = (model.nextCallAt - model.aiMessageAt - toolNanos) / 1e6;
        }
        long jitMillis = jit.getTotalCompilationTime() - jitBefore;
        return new Row(contender, calls, steady, turns, p50(first), p50(last), p50(next), p50(overhead), jitMillis);
    }

    private static double p50(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    /**
     * The hand-off targets: the library's overhead within 0.1 ms of {@code executeToolsConcurrently()}'s
     * at 1 and 8 calls, and all of 64 calls started within 0.5 ms of the AI message.
     *
     * @return rows of target, result, and "true" or "false"
     */
    static List<String[]> targets(List<Row> rows) {
        List<String[]> targets = new ArrayList<>();
        for (int calls : new int[] {1, 8}) {
            Row lib = find(rows, Contender.LIBRARY, calls);
            Row unsafe = find(rows, Contender.CONCURRENT, calls);
            if (lib != null && unsafe != null) {
                boolean met = lib.overhead() <= unsafe.overhead() + 0.1;
                targets.add(new String[] {"Hand-off at " + calls + (calls == 1 ? " call" : " calls")
                        + " (steady): overhead ≤ `executeToolsConcurrently()`'s + 0.1 ms", String.format(Locale.ROOT,
                        "%.3f ms against %.3f ms", lib.overhead(), unsafe.overhead()), Boolean.toString(met)});
            }
        }
        Row lib = find(rows, Contender.LIBRARY, 64);
        if (lib != null) {
            targets.add(new String[] {"Hand-off at 64 calls (steady): all started within 0.5 ms of the AI message",
                    String.format(Locale.ROOT, "last start after %.3f ms", lib.lastStart()),
                    Boolean.toString(lib.lastStart() <= 0.5)});
        }
        return targets;
    }

    private static Row find(List<Row> rows, Contender contender, int calls) {
        return rows.stream().filter(r -> r.contender() == contender && r.calls() == calls && r.steady()).findFirst()
                .orElse(null);
    }

    /** @return the report's hand-off section */
    static String markdown(List<Row> rows, Settings settings) {
        StringBuilder s = new StringBuilder("### Hand-off\n\n");
        s.append(String.format(Locale.ROOT, "One turn of N calls of a tool that sleeps %d ms, turns one at a time on "
                + "one thread, p50 of %d measured turns after %d warm-up turns (LangChain4j sequential at 8 and 64 "
                + "calls: %d of each). Times in ms from the moment the scripted model returns the AI message, or to "
                + "the moment it is called again; \"overhead\" is that whole span minus the tools' own schedule (%d ms "
                + "when the calls run together, N × %d ms one after another). The library runs with its defaults, and with its defaults but no budget (whose caller runs a call itself)."
                + " Each executor is measured twice in its JVM: *early*, right after those warm-up turns, when most"
                + " of its code has not been optimised by the JIT yet (a replica's first minutes), and *steady*, after"
                + " at least %,d calls of an instant tool (%,d turns or more), when the JIT has compiled every call's"
                + " path (a server that has served many thousand turns). The targets are judged on the steady"
                + " figures. The last column is the time the JIT compilers spent while the measured turns ran: on two"
                + " cores a compilation takes a core from the turns.%n%n", settings.toolMillis(), settings.turns(), settings.warmUp(),
                settings.sequentialTurns(), settings.toolMillis(), settings.toolMillis(), settings.jitWarmUpCalls(),
                settings.jitWarmUpTurns(64)));
        for (boolean steady : new boolean[] {true, false}) {
            s.append(steady ? "Steady:\n\n" : "Early:\n\n");
            s.append("| executor | calls | AI message → first start | AI message → last start | last end → next"
                    + " model call | overhead | JIT (ms) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Row r : rows) {
                if (r.steady() == steady) {
                    s.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %d |%n",
                            r.contender().label, r.calls(), r.firstStart(), r.lastStart(), r.nextCall(),
                            r.overhead(), r.jitMillis()));
                }
            }
            s.append('\n');
        }
        return s.toString();
    }
}
