package io.github.parallel4j.samples.harbor;

import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ParallelToolsBuilder;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.observe.TurnTimeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the same triage twice, first with LangChain4j's default (tools one after another, no library), then
 * through langchain4j-parallel, and prints progress as calls finish, both timelines and the speed-up; writes the
 * parallel run's HTML timeline.
 */
public final class TriageDemo {

    /** What the on-call engineer asks. */
    public static final String REQUEST = "Triage " + ScriptedTriageModel.INCIDENT + ": checkout p99 latency is paging.";

    private static final int WIDTH = 60;

    /** The latency scale of the unmeasured warm-up runs: about 5 ms in all. */
    private static final double WARM_UP_SCALE = 0.001;

    private final TriageOptions options;
    private final ModelChoice model;
    private final PrintStream out;

    /**
     * @param options latency scale and HTML path
     * @param model which model to talk to
     * @param out where the report goes
     */
    public TriageDemo(TriageOptions options, ModelChoice model, PrintStream out) {
        this.options = options;
        this.model = model;
        this.out = out;
    }

    /** The integrations' limits: Datadog at most 2 queries at once, Jira at most 2 at once and 5 per second. */
    static final Map<String, IntegrationLimits> LIMITS = Map.of(
            "datadog", IntegrationLimits.builder().maxConcurrent(2).build(),
            "jira", IntegrationLimits.builder().maxConcurrent(2).rate(5, Duration.ofSeconds(1)).build());

    /**
     * The limits the parallel run honours: at most two Datadog queries at once, and Jira at two at once and five
     * per second. They hold across every turn sharing the {@code ParallelTools}.
     *
     * @param scale the latency scale, which stretches the turn budget
     * @param turns told about each finished turn
     * @param progress where a line goes as each turn finishes
     * @return the library, configured
     */
    static ParallelTools parallelTools(double scale, List<TurnReport> turns, PrintStream progress) {
        return builder(scale, turns, progress).build();
    }

    /**
     * The builder of {@link #parallelTools}, for a run that adds to it (the replicas of {@link SharedLimitsReplica}
     * add shared limits).
     */
    static ParallelToolsBuilder<ParallelTools> builder(double scale, List<TurnReport> turns, PrintStream progress) {
        AtomicInteger turn = new AtomicInteger();
        return ParallelTools.builder()
                .turnTimeout(Duration.ofMillis(30_000 + Math.round(10_000 * scale)))
                .integration("datadog", LIMITS.get("datadog"))
                .integration("jira", LIMITS.get("jira"))
                .describeScheduling(true) // tells a real model which tools are safe to batch
                .turnListener(report -> {
                    turns.add(report);
                    progress.printf(Locale.ROOT, "  turn %d done: %d call%s in %d ms, at most %d at once%n",
                            turn.incrementAndGet(), report.calls().size(), report.calls().size() == 1 ? "" : "s",
                            report.durationNanos() / 1_000_000, report.maxOverlap());
                });
    }

    /**
     * Runs both and prints the report.
     *
     * @return both runs and where the HTML timeline went
     */
    public TriageComparison run() {
        out.printf(Locale.ROOT, "%nharbor-triage: \"%s\" on the %s, simulated latencies x%s%n", REQUEST,
                model.describe(), trim(options.scale()));
        model.note().ifPresent(note -> out.println("note: " + note));

        if (model.scripted()) {
            // load and JIT-compile both paths first, so that neither measured run pays the JVM's first-use costs
            PrintStream silent = new PrintStream(java.io.OutputStream.nullOutputStream());
            runSerial(WARM_UP_SCALE, silent);
            runParallel(WARM_UP_SCALE, silent);
        }

        out.printf("%n[1/2] LangChain4j default: tools one after another%n");
        TriageRun serial = runSerial(options.scale(), out);
        out.printf(Locale.ROOT, "  done in %d ms%n", serial.millis());

        out.printf("%n[2/2] langchain4j-parallel: reads in parallel within their limits, the Slack post after them%n");
        TriageRun parallel = runParallel(options.scale(), out);
        out.printf(Locale.ROOT, "  done in %d ms%n", parallel.millis());

        TriageComparison comparison = new TriageComparison(serial, parallel, null);
        Path html = writeHtml(comparison);
        comparison = new TriageComparison(serial, parallel, html);
        print(comparison);
        return comparison;
    }

    private TriageRun runSerial(double scale, PrintStream progress) {
        CallRecorder recorder = new CallRecorder(progress(progress));
        TriageTools tools = new TriageTools(new SimulatedLatencies(scale), recorder);
        TriageAssistant assistant = AiServices.builder(TriageAssistant.class)
                .chatModel(model.newModel())
                .tools(tools)
                .build();
        recorder.start();
        long start = System.nanoTime();
        String answer = assistant.triage(REQUEST);
        long nanos = System.nanoTime() - start;
        return new TriageRun("LangChain4j default (one after another)", nanos, recorder.spans(), List.of(),
                tools.postedSummaries(), answer);
    }

    private TriageRun runParallel(double scale, PrintStream progress) {
        List<TurnReport> turns = new CopyOnWriteArrayList<>();
        ParallelTools parallel = parallelTools(scale, turns, progress);
        CallRecorder recorder = new CallRecorder(progress(progress));
        TriageTools tools = new TriageTools(new SimulatedLatencies(scale), recorder);
        TriageAssistant assistant = parallel.install(AiServices.builder(TriageAssistant.class), tools)
                .chatModel(model.newModel())
                .build();
        recorder.start();
        long start = System.nanoTime();
        String answer = assistant.triage(REQUEST);
        long nanos = System.nanoTime() - start;
        return new TriageRun("langchain4j-parallel (safe parallel)", nanos, recorder.spans(), turns,
                tools.postedSummaries(), answer);
    }

    /** A line per finished call, with the time since its run began. */
    private static java.util.function.Consumer<CallSpan> progress(PrintStream out) {
        return span -> out.printf(Locale.ROOT, "  %6.2f s  %-12s %-28s %5d ms%n", span.endNanos() / 1e9,
                span.integration(), span.label(), span.millis());
    }

    private Path writeHtml(TriageComparison comparison) {
        Path html = options.html().toAbsolutePath();
        try {
            if (html.getParent() != null) {
                Files.createDirectories(html.getParent());
            }
            Files.writeString(html, TimelinePage.html(comparison));
            return html;
        } catch (IOException e) {
            out.println("Could not write the HTML timeline to " + html + ": " + e);
            return null;
        }
    }

    private void print(TriageComparison comparison) {
        TriageRun serial = comparison.serial();
        TriageRun parallel = comparison.parallel();
        out.printf(Locale.ROOT, "%n%s: %d ms, %d tool calls%n", serial.title(), serial.millis(), serial.spans().size());
        out.print(SpanChart.ascii(serial.spans(), serial.nanos(), WIDTH));

        out.printf(Locale.ROOT, "%n%s: %d ms ('.' waited for a limit or its turn, '#' ran)%n", parallel.title(),
                parallel.millis());
        out.println("(limits: datadog at most 2 at once; jira at most 2 at once and 5 per second)");
        List<TurnReport> turns = parallel.turns();
        for (int i = 0; i < turns.size(); i++) {
            TurnReport turn = turns.get(i);
            out.printf(Locale.ROOT, "turn %d: %d tool call%s in one AI message, %d ms%n", i + 1,
                    turn.calls().size(), turn.calls().size() == 1 ? "" : "s", turn.durationNanos() / 1_000_000);
            out.print(TurnTimeline.ascii(turn, WIDTH));
        }

        out.printf(Locale.ROOT, "%nSpeed-up: %.1fx (%d ms -> %d ms)%n", comparison.speedUp(), serial.millis(),
                parallel.millis());
        if (comparison.html() != null) {
            out.println("HTML timeline: " + comparison.html());
        }
        out.println();
        for (String posted : parallel.posted()) {
            out.println("Posted to Slack " + posted);
        }
        out.println("Answer: " + parallel.answer());
    }

    private static String trim(double scale) {
        return scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale);
    }
}
