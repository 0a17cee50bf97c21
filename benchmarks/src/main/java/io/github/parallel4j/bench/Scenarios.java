package io.github.parallel4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The scenario harness: runs each workload through every {@link Contender} in one JVM, then the {@link HandOff} probe, and writes the results
 * (with the JMH results, when given) to a markdown report.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.parallel4j.bench.Scenarios \
 *     [--jmh benchmarks/target/jmh-result.json] [--out docs/benchmarks.md] [--smoke]
 * </pre>
 *
 * <p>Every tool sleeps for its simulated latency and records itself ({@link CallRecorder}), so caps and ordering
 * are checked by the same yardstick for every contender. Turn latency is measured around the AI service call.
 */
public final class Scenarios {

    private final ScenarioSettings settings;
    private final Consumer<String> progress;

    /**
     * @param settings how big the run is
     * @param progress where progress lines go
     */
    Scenarios(ScenarioSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** @return the four workloads at this run's time scale */
    List<Workload> workloads() {
        double scale = settings.timeScale();
        return List.of(Workload.eightReadTriage(scale), Workload.unevenReadThenWrite(scale),
                Workload.rateLimitStorm(scale), Workload.conversations(scale, settings.conversations()));
    }

    /** Runs every workload through every contender. */
    List<ScenarioResult> runAll() {
        return run(List.of());
    }

    /** Runs the workloads with the given ids (all when empty) through every contender. */
    List<ScenarioResult> run(List<String> only) {
        List<ScenarioResult> results = new ArrayList<>();
        for (Workload workload : workloads()) {
            if (!only.isEmpty() && !only.contains(workload.id())) {
                continue;
            }
            for (Contender contender : Contender.values()) {
                ScenarioResult result = run(workload, contender);
                progress.accept(String.format("%-14s %-40s p50 %8.1f ms  p95 %8.1f ms  bound %7.1f ms%s",
                        workload.id(), contender.label, result.percentile(50), result.percentile(95),
                        result.lowerBoundMs(), result.note() == null ? "" : "  (" + result.note() + ")"));
                results.add(result);
            }
        }
        return results;
    }

    /** Runs one workload through one contender. */
    ScenarioResult run(Workload workload, Contender contender) {
        return switch (workload.kind()) {
            case TURN -> runTurns(workload, contender);
            case STORM -> runStorm(workload, contender);
            case CONVERSATIONS -> runConversations(workload, contender);
        };
    }

    private ScenarioResult runTurns(Workload workload, Contender contender) {
        CallRecorder recorder = new CallRecorder();
        SimulatedTools tools = new SimulatedTools(recorder, null, contender.isLibrary());
        TurnModel model = new TurnModel(workload::requests, true);
        ExecutorService pool = ToolPools.unbounded("staged-");
        try {
            Assistant assistant = contender.build(workload, tools, model, pool);
            assistant.chat("warm-up");
            recorder.clear();
            int n = settings.repetitions();
            double[] latencies = new double[n];
            long answered = 0;
            int violations = 0;
            List<String[]> edges = workload.edges();
            for (int r = 0; r < n; r++) {
                String conversation = "r" + r;
                long start = System.nanoTime();
                assistant.chat(conversation);
                latencies[r] = (System.nanoTime() - start) / 1e6;
                answered += answered(model, conversation);
                violations += violations(recorder, conversation, edges);
            }
            return new ScenarioResult(workload, contender, latencies, workload.lowerBoundMillis(), -1, answered,
                    (long) n * workload.calls().size(), maxInFlight(workload, recorder), violations, Double.NaN, Double.NaN,
                    null);
        } finally {
            pool.shutdownNow();
        }
    }

    private ScenarioResult runStorm(Workload workload, Contender contender) {
        Workload.Storm storm = workload.storm();
        int n = settings.stormRepetitions();
        double[] latencies = new double[n];
        int tooMany = 0;
        long answered = 0;
        Map<String, Integer> maxInFlight = new HashMap<>();
        for (int r = -1; r < n; r++) { // r = -1: warm-up against its own vendor, not counted
            SimulatedVendor vendor = new SimulatedVendor(storm.permits(), storm.period(), storm.latencyMs());
            CallRecorder recorder = new CallRecorder();
            SimulatedTools tools = new SimulatedTools(recorder, vendor, contender.isLibrary());
            TurnModel model = new TurnModel(workload::requests, true);
            ExecutorService pool = ToolPools.unbounded("staged-");
            try {
                // A fresh AI service (and for the library a fresh ParallelTools) per turn: both start with a full
                // bucket, as the vendor does.
                Assistant assistant = contender.build(workload, tools, model, pool);
                String conversation = "s" + r;
                long start = System.nanoTime();
                assistant.chat(conversation);
                double millis = (System.nanoTime() - start) / 1e6;
                if (r >= 0) {
                    latencies[r] = millis;
                    tooMany += vendor.tooManyRequests();
                    answered += answered(model, conversation);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return new ScenarioResult(workload, contender, latencies, workload.lowerBoundMillis(), tooMany, answered,
                (long) n * workload.calls().size(), maxInFlight, 0, Double.NaN, Double.NaN, null);
    }

    private ScenarioResult runConversations(Workload workload, Contender contender) {
        CallRecorder recorder = new CallRecorder();
        SimulatedTools tools = new SimulatedTools(recorder, null, contender.isLibrary());
        TurnModel model = new TurnModel(workload::requests, true);
        ExecutorService pool = ToolPools.unbounded("tools-");
        try {
            Assistant assistant = contender.build(workload, tools, model, pool);
            for (int w = 0; w < settings.conversationWarmUps(); w++) {
                Round warmUp = round(assistant, model, "w" + w + "-");
                if (!warmUp.finished) {
                    return unfinished(workload, contender, recorder, warmUp);
                }
            }
            recorder.clear();
            List<Double> latencies = new ArrayList<>();
            long answered = 0;
            double makespan = 0;
            double cpu = 0;
            for (int r = 0; r < settings.conversationRounds(); r++) {
                Round round = round(assistant, model, "m" + r + "-");
                if (!round.finished) {
                    return unfinished(workload, contender, recorder, round);
                }
                for (double latency : round.latenciesMs) {
                    latencies.add(latency);
                }
                answered += round.answered;
                makespan = Math.max(makespan, round.makespanMs);
                cpu = Math.max(cpu, round.cpuMs);
            }
            return new ScenarioResult(workload, contender, latencies.stream().mapToDouble(Double::doubleValue).toArray(),
                    workload.lowerBoundMillis(), -1, answered,
                    (long) settings.conversationRounds() * settings.conversations() * workload.calls().size(),
                    maxInFlight(workload, recorder), 0, makespan, cpu, null);
        } finally {
            pool.shutdownNow();
        }
    }

    private ScenarioResult unfinished(Workload workload, Contender contender, CallRecorder recorder, Round round) {
        String note = String.format("did not finish: %d of %d conversations had answered after %d s",
                round.done, settings.conversations(), settings.conversationTimeLimit().toSeconds());
        return new ScenarioResult(workload, contender, new double[0], workload.lowerBoundMillis(), -1, round.answered,
                (long) settings.conversations() * workload.calls().size(), maxInFlight(workload, recorder), 0,
                Double.NaN, Double.NaN, note);
    }

    /** One round of concurrent conversations. */
    private static final class Round {
        double[] latenciesMs;
        boolean finished;
        int done;
        long answered;
        double makespanMs;
        double cpuMs;
    }

    private Round round(Assistant assistant, TurnModel model, String prefix) {
        int n = settings.conversations();
        double[] latencies = new double[n];
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        AtomicLong answered = new AtomicLong();
        List<Thread> callers = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int index = k;
            Thread caller = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    String conversation = prefix + "c" + index;
                    long start = System.nanoTime();
                    assistant.chat(conversation);
                    latencies[index] = (System.nanoTime() - start) / 1e6;
                    answered.addAndGet(answered(model, conversation));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }, "conversation-" + k);
            caller.setDaemon(true);
            callers.add(caller);
            caller.start();
        }
        Round round = new Round();
        try {
            ready.await();
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            go.countDown();
            round.finished = done.await(settings.conversationTimeLimit().toMillis(), TimeUnit.MILLISECONDS);
            round.makespanMs = (System.nanoTime() - start) / 1e6;
            round.cpuMs = (processCpuNanos() - cpuStart) / 1e6;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!round.finished) {
            callers.forEach(Thread::interrupt);
        }
        round.done = (int) (n - done.getCount());
        round.latenciesMs = latencies;
        round.answered = answered.get();
        if (failures.get() > 0 && round.finished) {
            progress.accept(failures.get() + " conversations failed");
        }
        return round;
    }

    /** @return the CPU time this JVM has used, all threads, or 0 when the platform does not say */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static long answered(TurnModel model, String conversation) {
        return model.results(conversation).stream().filter(text -> text.contains("\"step\":\"")).count();
    }

    private static int violations(CallRecorder recorder, String conversation, List<String[]> edges) {
        int violations = 0;
        for (String[] edge : edges) {
            CallRecorder.Interval before = recorder.step(Workload.step(conversation, edge[0]));
            CallRecorder.Interval after = recorder.step(Workload.step(conversation, edge[1]));
            if (before != null && after != null && after.startNanos() < before.endNanos()) {
                violations++;
            }
        }
        return violations;
    }

    private static Map<String, Integer> maxInFlight(Workload workload, CallRecorder recorder) {
        Map<String, Integer> max = new HashMap<>();
        for (String integration : workload.caps().keySet()) {
            max.put(integration, recorder.maxInFlight(integration));
        }
        return max;
    }

    /**
     * Runs the scenarios and writes the report.
     *
     * @param args {@code --out <file>} (default {@code docs/benchmarks.md}), {@code --jmh <jmh json result>},
     *     {@code --smoke} for tiny sizes, {@code --only triage,graph,storm,conversations,handoff} for some workloads;
     *     {@code --only streaming} runs the streamed turn ({@link StreamedTurnScenario}) and prints it
     * @throws Exception when the report cannot be written, or the streamed turn failed
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs/benchmarks.md");
        Path jmh = null;
        ScenarioSettings settings = ScenarioSettings.full();
        List<String> only = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--jmh" -> jmh = Path.of(args[++i]);
                case "--smoke" -> settings = ScenarioSettings.smoke();
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --out <file>, --jmh <jmh-result.json>, --smoke,"
                        + " --only triage,graph,storm,conversations,handoff,streaming");
            }
        }
        Machine before = Machine.now();
        System.out.println(before.describe());
        if (only.contains("streaming")) {
            // On demand, printed rather than reported: a streamed turn of 8 calls 100 ms apart (StreamedTurnScenario).
            new StreamedTurnScenario(settings.timeScale(), settings.repetitions(), System.out::println).run();
            if (only.size() == 1) {
                return;
            }
        }
        List<ScenarioResult> results = new Scenarios(settings, System.out::println).run(only);
        HandOff.Settings handOffSettings = settings.timeScale() == 1.0 ? HandOff.Settings.full() : HandOff.Settings.smoke();
        List<HandOff.Row> handOff = only.isEmpty() || only.contains("handoff")
                ? new HandOff(handOffSettings, System.out::println).run()
                : List.of();
        Machine after = Machine.now();
        JmhResults jmhResults = jmh == null || !Files.exists(jmh) ? JmhResults.none() : JmhResults.read(jmh);
        String previousNotes = Files.exists(out) ? Report.notesIn(Files.readString(out)) : null;
        String report = new Report(settings, results, jmhResults, before, after, previousNotes, handOff,
                handOffSettings).markdown();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        System.out.println("Report written to " + out.toAbsolutePath());
    }
}
