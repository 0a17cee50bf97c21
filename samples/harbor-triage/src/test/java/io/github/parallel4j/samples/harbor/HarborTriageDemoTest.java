package io.github.parallel4j.samples.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.TurnReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole demo, end to end on the scripted model, with every latency scaled down to a fifth (about 1.1 s). */
class HarborTriageDemoTest {

    private static final Path HTML = Path.of("target", "harbor-triage-test-timeline.html");

    private static TriageComparison comparison;
    private static String output;

    @BeforeAll
    static void run_the_demo() throws Exception {
        Files.deleteIfExists(HTML);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TriageOptions options = new TriageOptions(0.2, HTML, true, false);
        comparison = new TriageDemo(options, ModelChoice.from(name -> null, true),
                new PrintStream(captured, true, StandardCharsets.UTF_8)).run();
        output = captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void should_run_the_ten_reads_together_and_the_slack_post_after_all_of_them() {
        TriageRun parallel = comparison.parallel();
        List<CallSpan> reads = parallel.reads();
        assertThat(reads).hasSize(10);
        assertThat(reads).extracting(CallSpan::integration).containsOnly("pagerduty", "datadog", "argo",
                "launchdarkly", "slo", "jira", "slack", "confluence");
        assertThat(parallel.peakReadConcurrency()).isGreaterThanOrEqualTo(5);
        // each read overlaps another, but for the last Datadog query, which may run alone once it gets a slot
        CallSpan lastDatadog = reads.stream().filter(r -> r.integration().equals("datadog"))
                .max(Comparator.comparingLong(CallSpan::startNanos)).orElseThrow();
        for (CallSpan read : reads) {
            if (read != lastDatadog) {
                assertThat(reads.stream().filter(other -> other != read && other.overlaps(read)))
                        .as("some read overlaps %s", read).isNotEmpty();
            }
        }

        assertThat(parallel.writes()).hasSize(1);
        CallSpan post = parallel.writes().get(0);
        long lastReadEnd = reads.stream().mapToLong(CallSpan::endNanos).max().orElseThrow();
        assertThat(post.startNanos()).isGreaterThanOrEqualTo(lastReadEnd);
    }

    @Test
    void should_never_run_more_datadog_queries_at_once_than_its_cap() {
        TriageRun parallel = comparison.parallel();
        List<CallSpan> datadog = parallel.spans().stream().filter(s -> s.integration().equals("datadog"))
                .sorted(Comparator.comparingLong(CallSpan::startNanos)).toList();
        assertThat(datadog).hasSize(3);
        assertThat(parallel.peakConcurrency("datadog")).isEqualTo(2);
        // the third query waited for a slot: it started only once one of the first two had ended
        assertThat(datadog.get(2).startNanos())
                .isGreaterThanOrEqualTo(Math.min(datadog.get(0).endNanos(), datadog.get(1).endNanos()));
        assertThat(parallel.peakConcurrency("jira")).isLessThanOrEqualTo(2);
    }

    @Test
    void should_hold_the_reads_and_the_slack_post_in_one_ai_message_and_order_the_post_after_the_reads() {
        List<TurnReport> turns = comparison.parallel().turns();
        assertThat(turns).hasSize(1);
        TurnReport turn = turns.get(0);
        assertThat(turn.calls()).hasSize(11).allMatch(o -> o.ok());
        assertThat(turn.maxOverlap()).isGreaterThanOrEqualTo(5);
        var post = turn.calls().get(10);
        assertThat(post.tool()).isEqualTo("postSlackSummary");
        // a write emitted after the reads in the same message: it starts only once every read has ended
        long lastReadEnd = turn.calls().subList(0, 10).stream().mapToLong(o -> o.endNanos()).max().orElseThrow();
        assertThat(post.startNanos()).isGreaterThanOrEqualTo(lastReadEnd);
    }

    @Test
    void should_run_the_serial_baseline_one_call_after_another() {
        List<CallSpan> serial = comparison.serial().spans();
        assertThat(serial).hasSize(11);
        for (int i = 1; i < serial.size(); i++) {
            assertThat(serial.get(i).startNanos()).isGreaterThanOrEqualTo(serial.get(i - 1).endNanos());
        }
    }

    @Test
    void should_be_faster_in_parallel_than_serially() {
        // the same conversation, same latencies, same machine, one run after the other: ideally about 2.9x
        assertThat(comparison.speedUp()).as(output).isGreaterThan(1.5);
        Matcher speedUp = Pattern.compile("Speed-up: ([0-9.]+)x \\((\\d+) ms -> (\\d+) ms\\)").matcher(output);
        assertThat(speedUp.find()).as(output).isTrue();
        assertThat(Double.parseDouble(speedUp.group(1))).isGreaterThan(1.5);
    }

    @Test
    void should_write_the_summary_from_the_tools_results_in_both_runs() {
        for (TriageRun run : List.of(comparison.serial(), comparison.parallel())) {
            assertThat(run.posted()).singleElement().asString()
                    .startsWith("#inc-4211: INC-4211 SEV2 checkout: p99 2310 ms (baseline 420), errors 6.8%")
                    .contains("deploy 9f2c1e7 by grace 14 min ago", "Error budget 31% left", "PAY-1312")
                    .doesNotContain("?");
            assertThat(run.answer()).contains("Posted the triage to #inc-4211");
        }
    }

    @Test
    void should_write_the_html_timeline_with_a_bar_per_call() throws Exception {
        assertThat(comparison.html()).isEqualTo(HTML.toAbsolutePath());
        String html = Files.readString(HTML);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "call_4 metrics", "call_11 postSlackSummary");
        assertThat(Pattern.compile("<rect class=\"run\"").matcher(html).results().count()).isEqualTo(11);
        // LangChain4j's default run, drawn beside to the same scale
        assertThat(Pattern.compile("<rect class=\"run comparison\"").matcher(html).results().count()).isEqualTo(11);
        assertThat(html).contains("class=\"legend\"", "class=\"axis\"", "datadog (at most 2 at once)");
        assertThat(Pattern.compile("<rect class=\"wait\"").matcher(html).results().count()).isGreaterThanOrEqualTo(1);
        // what held the third datadog read, as the scheduler recorded it: the integration's cap
        assertThat(html).containsPattern("waited \\d+ ms for a datadog slot \\(at most 2 at once\\)");
        assertThat(html).endsWith("</body></html>\n");
    }

    @Test
    void should_print_progress_both_timelines_and_where_the_html_went() {
        long progressLines = output.lines().filter(l -> l.matches("\\s+\\d+\\.\\d\\d s  \\S+\\s+\\S+\\s+\\d+ ms")).count();
        assertThat(progressLines).isEqualTo(22);
        assertThat(output)
                .contains("[1/2] LangChain4j default", "[2/2] langchain4j-parallel")
                .contains("turn 1 done: 11 calls")
                .doesNotContain("turn 2 done")
                .contains("LangChain4j default (one after another): ")
                .containsPattern("metrics\\(saturation\\)\\s+datadog\\s+\\|\\s*#+\\s*\\|")
                .containsPattern("call_4 metrics\\s+w1\\s+\\|\\s*\\.+#+\\s*\\| ok")
                .contains("HTML timeline: " + HTML.toAbsolutePath())
                .contains("Answer: Posted the triage");
    }
}
