package io.github.parallel4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every scenario through every executor at tiny sizes: the harness works, its report has the right shape,
 * the library kept its caps and order, and the measurements can tell a bad executor from a good one.
 */
class ScenariosSmokeTest {

    private static final ScenarioSettings SMOKE = ScenarioSettings.smoke();

    @Test
    void should_run_every_scenario_through_every_executor_and_report_them_when_sizes_are_tiny() {
        List<ScenarioResult> results = new Scenarios(SMOKE, line -> {}).runAll();

        assertThat(results).hasSize(4 * Contender.values().length);
        for (ScenarioResult r : results) {
            assertThat(r.completed()).as("%s %s completed", r.workload().id(), r.contender()).isTrue();
            int samples = r.workload().kind() == Workload.Kind.CONVERSATIONS
                    ? SMOKE.conversations() * SMOKE.conversationRounds()
                    : r.workload().kind() == Workload.Kind.STORM ? SMOKE.stormRepetitions() : SMOKE.repetitions();
            assertThat(r.samples()).as("%s %s samples", r.workload().id(), r.contender()).isEqualTo(samples);
            assertThat(r.percentile(95)).isGreaterThanOrEqualTo(r.percentile(50)).isPositive();
        }
        for (ScenarioResult lib : results.stream().filter(r -> r.contender() == Contender.LIBRARY).toList()) {
            String what = lib.workload().id();
            assertThat(lib.answered()).as("%s: every call answered", what).isEqualTo(lib.expected());
            assertThat(lib.capsHonoured()).as("%s: caps kept, saw %s", what, lib.maxInFlight()).isTrue();
            assertThat(lib.orderViolations()).as("%s: order kept", what).isZero();
            // The bound is a bound: a run that beats it would mean the harness measures the wrong thing.
            assertThat(lib.percentile(50)).as("%s: p50 against the bound", what)
                    .isGreaterThanOrEqualTo(lib.lowerBoundMs() * 0.97);
        }
        ScenarioResult storm = find(results, "storm", Contender.LIBRARY);
        assertThat(storm.tooManyRequests()).as("429s with the library 1 % under the vendor's rate").isZero();
        assertThat(find(results, "storm", Contender.CONCURRENT).tooManyRequests())
                .as("429s from a naive client firing all queries at once").isPositive();
        assertThat(find(results, "graph", Contender.CONCURRENT).orderViolations())
                .as("executeToolsConcurrently() starts writes before the reads they need have ended").isPositive();
        ScenarioResult conversations = find(results, "conversations", Contender.LIBRARY);
        assertThat(conversations.workload().caps().get("launchdarkly")).isLessThan(SMOKE.conversations());

        String report = new Report(SMOKE, results, JmhResults.none(), Machine.now(), Machine.now(), null).markdown();
        assertThat(report).contains("## How to reproduce", "## Machine and JDK", "## JMH", "## Scenarios",
                "## Targets and results", "### Eight-read triage", "### Uneven read-then-write graph",
                "### 429 storm", "### Concurrent conversations", "smoke-test sizes");
        for (Contender contender : Contender.values()) {
            assertThat(report.split("\\| " + java.util.regex.Pattern.quote(contender.label) + " \\|", -1))
                    .as("one row per workload, and one in the conversations' CPU table, for %s", contender.label)
                    .hasSize(6);
        }
    }

    @Test
    void should_compute_the_overhead_per_call_from_jmh_results_and_keep_hand_written_notes(@TempDir Path dir)
            throws IOException {
        Path json = dir.resolve("jmh-result.json");
        Files.writeString(json, """
                [
                 {"benchmark":"io.github.parallel4j.bench.PlanningBenchmark.plan","mode":"sample","jdkVersion":"17",
                  "vmName":"OpenJDK","params":{"calls":"1000"},
                  "primaryMetric":{"score":1500.0,"scoreError":20.0,"scoreUnit":"us/op",
                                   "scorePercentiles":{"50.0":1400.0,"95.0":3000.0,"99.0":4000.0}}},
                 {"benchmark":"io.github.parallel4j.bench.DispatchBenchmark.plainLangChain4j","mode":"avgt",
                  "jdkVersion":"17","vmName":"OpenJDK","params":{"calls":"8"},
                  "primaryMetric":{"score":100.0,"scoreError":1.0,"scoreUnit":"us/op"}},
                 {"benchmark":"io.github.parallel4j.bench.DispatchBenchmark.library","mode":"avgt",
                  "jdkVersion":"17","vmName":"OpenJDK","params":{"calls":"8"},
                  "primaryMetric":{"score":180.0,"scoreError":2.0,"scoreUnit":"us/op"}}
                ]
                """);
        JmhResults jmh = JmhResults.read(json);
        String previous = "# Benchmarks\n\n" + Report.NOTES_BEGIN + "\nThe storm row was run twice.\n"
                + Report.NOTES_END + "\n";

        String report = new Report(SMOKE, List.of(), jmh, Machine.now(), Machine.now(), Report.notesIn(previous))
                .markdown();

        assertThat(report).contains("| 8 | 100.0 µs ± 1.00 µs | 180.0 µs ± 2.00 µs | 80.0 µs | 10.0 µs |");
        assertThat(report).contains("| 1000 | 1,500 µs | 1,400 µs | 3,000 µs | 4,000 µs |");
        assertThat(report).contains("| One-call overhead ≤ 15 µs, and < 50 µs per call in larger turns | 10.0 µs at 8 calls | yes |");
        assertThat(report).contains("not measured in this JMH run (add `-prof gc`)");
        assertThat(report).contains("| Planning 1 000 calls < 5 ms | mean 1,500 µs, p95 3,000 µs | yes |");
        assertThat(Report.notesIn(report)).isEqualTo("The storm row was run twice.");
    }

    @Test
    void should_probe_the_hand_off_of_every_contender_and_report_it_with_its_targets() {
        HandOff.Settings settings = HandOff.Settings.smoke();
        List<HandOff.Row> rows = new HandOff(settings, line -> {}).run();

        assertThat(rows).hasSize(2 * HandOff.CONTENDERS.size() * HandOff.SIZES.length); // early and steady
        assertThat(rows).filteredOn(HandOff.Row::steady).hasSize(HandOff.CONTENDERS.size() * HandOff.SIZES.length);
        for (HandOff.Row row : rows) {
            assertThat(row.lastStart()).as("%s %d", row.contender(), row.calls()).isGreaterThanOrEqualTo(row.firstStart());
            assertThat(row.firstStart()).isNotNegative();
            assertThat(row.nextCall()).isNotNegative();
        }
        String report = new Report(SMOKE, List.of(), JmhResults.none(), Machine.now(), Machine.now(), null, rows,
                settings).markdown();
        assertThat(report).contains("### Hand-off", "Steady:", "Early:", "| langchain4j-parallel (defaults) | 64 |",
                "Hand-off at 64 calls (steady): all started within 0.5 ms of the AI message");
    }

    @Test
    void should_report_allocation_per_turn_when_jmh_ran_with_the_gc_profiler(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("jmh-result.json");
        Files.writeString(json, """
                [
                 {"benchmark":"io.github.parallel4j.bench.DispatchBenchmark.plainLangChain4j","mode":"avgt",
                  "jdkVersion":"17","vmName":"OpenJDK","params":{"calls":"8"},
                  "primaryMetric":{"score":100.0,"scoreError":1.0,"scoreUnit":"us/op"},
                  "secondaryMetrics":{"gc.alloc.rate.norm":{"score":20480.0,"scoreUnit":"B/op"}}},
                 {"benchmark":"io.github.parallel4j.bench.DispatchBenchmark.library","mode":"avgt",
                  "jdkVersion":"17","vmName":"OpenJDK","params":{"calls":"8"},
                  "primaryMetric":{"score":180.0,"scoreError":2.0,"scoreUnit":"us/op"},
                  "secondaryMetrics":{"gc.alloc.rate.norm":{"score":28672.0,"scoreUnit":"B/op"}}}
                ]
                """);

        String table = AllocationTable.markdown(JmhResults.read(json));

        assertThat(table).contains("| 8 | 20 KiB | – | 28 KiB | 1.0 KiB |");
    }

    private static ScenarioResult find(List<ScenarioResult> results, String workload, Contender contender) {
        return results.stream().filter(r -> r.workload().id().equals(workload) && r.contender() == contender)
                .findFirst().orElseThrow();
    }
}
