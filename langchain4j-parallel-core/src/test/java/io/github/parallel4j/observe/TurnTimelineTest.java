package io.github.parallel4j.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.TurnReport;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TurnTimelineTest {

    private static TurnReport finishedTurn() throws Exception {
        return ThreeCallTurn.run(report -> {
            throw new IllegalStateException("a broken listener must not break the turn");
        });
    }

    @Test
    void should_report_each_turn_and_draw_the_overlap() throws Exception {
        TurnReport report = finishedTurn();

        assertThat(report.calls()).hasSize(3);
        assertThat(report.invocationId()).isNotNull();
        assertThat(report.maxOverlap()).isEqualTo(2);
        String ascii = TurnTimeline.ascii(report, 60);
        List<String> rows = ascii.lines().toList();
        assertThat(rows).hasSize(3);
        Matcher first = Pattern.compile("#+").matcher(rows.get(0));
        Matcher second = Pattern.compile("#+").matcher(rows.get(1));
        Matcher third = Pattern.compile("#+").matcher(rows.get(2));
        assertThat(first.find() && second.find() && third.find()).isTrue();
        assertThat(first.start()).as("the two reads overlap").isLessThan(second.end());
        assertThat(second.start()).isLessThan(first.end());
        assertThat(third.start()).as("the write runs after both").isGreaterThanOrEqualTo(Math.max(first.end(), second.end()) - 1);
        assertThat(rows.get(2)).contains("w2").contains("ok");
    }

    @Test
    void should_render_a_self_contained_html_chart() throws Exception {
        String html = TurnTimeline.html(finishedTurn(), "Triage <turn>");

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("Triage &lt;turn&gt;")
                .doesNotContain("<script").doesNotContain("http://cdn").contains("at most 2 at once");
        assertThat(Pattern.compile("class=\"run\"").matcher(html).results().count()).isEqualTo(3);
    }

    @Test
    void should_draw_an_axis_a_legend_and_a_tooltip_on_every_bar_and_row() throws Exception {
        TurnReport report = finishedTurn();
        String html = TurnTimeline.html("Three calls", List.of(report), Map.of());

        assertThat(html).contains("class=\"legend\"").contains("waited for a limit or lock").contains(">ran<")
                .contains(">failed<").contains(">not run<");
        assertThat(html).contains("class=\"axis\"").contains(">0 ms<");
        assertThat(Pattern.compile("class=\"tick\"").matcher(html).results().count()).isBetween(3L, 11L);
        assertThat(html).contains("3 tool calls in one AI message, 2 waves");
        // every bar and every row has a tooltip
        assertThat(Pattern.compile("<rect class=\"run\"[^>]*><title>[^<]+</title>").matcher(html).results().count())
                .isEqualTo(3);
        assertThat(Pattern.compile("<g class=\"row\"><title>[^<]+</title>").matcher(html).results().count())
                .isEqualTo(3);
    }

    @Test
    void should_say_one_call_and_one_wave_in_the_singular() {
        assertThat(TurnTimeline.count(1, "tool call")).isEqualTo("1 tool call");
        assertThat(TurnTimeline.count(1, "wave")).isEqualTo("1 wave");
        assertThat(TurnTimeline.count(2, "wave")).isEqualTo("2 waves");
    }

    @Test
    void should_draw_every_turn_and_the_comparison_to_one_scale() throws Exception {
        TurnReport report = finishedTurn();
        long turn = report.durationNanos();
        // a comparison run four times as long as the turn: its bar must be four times as wide
        TurnReport serial = new TurnReport(null, List.of(CallReport.ran("s1", "a(1)", "pagerduty", 0, 4 * turn)), 1,
                4 * turn);
        String html = TurnTimeline.html("Scale", null, List.of(report), null, Map.of("serial", serial));

        List<Double> widths = Pattern.compile("<rect class=\"run[^\"]*\" x=\"[0-9.]+\" y=\"\\d+\" width=\"([0-9.]+)\"")
                .matcher(html).results().map(m -> Double.parseDouble(m.group(1))).toList();
        assertThat(widths).hasSize(4);
        double turnCalls = widths.subList(0, 3).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double comparison = widths.get(3);
        // each call of the turn is shorter than the turn, so narrower than a quarter of the comparison bar
        assertThat(turnCalls).isLessThan(comparison / 4 + 2);
        assertThat(html).contains("pagerduty");
    }

    @Test
    void should_mark_a_call_that_never_ran_and_never_cut_its_error_code() throws Exception {
        TurnReport report = BrokenTurn.run();
        String html = TurnTimeline.html(report, "A failed dependency");

        assertThat(html).contains("DEPENDENCY_FAILED").contains("class=\"not-run\"");
        assertThat(Pattern.compile("<g class=\"not-run\"><title>[^<]*not run, DEPENDENCY_FAILED")
                .matcher(html).results().count()).isEqualTo(1);
        // the outcome column is as wide as its longest text: the whole code fits inside the SVG
        Matcher svgWidth = Pattern.compile("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"(\\d+)\"").matcher(html);
        assertThat(svgWidth.find()).isTrue();
        Matcher code = Pattern.compile("<text x=\"([0-9.]+)\"[^>]*>DEPENDENCY_FAILED</text>").matcher(html);
        assertThat(code.find()).isTrue();
        assertThat(Double.parseDouble(code.group(1)) + "DEPENDENCY_FAILED".length() * 7.9)
                .isLessThanOrEqualTo(Double.parseDouble(svgWidth.group(1)));
    }

    @Test
    void should_label_ticks_in_round_steps_up_to_ten() {
        TimelineScale scale = new TimelineScale(0, 720, 1_453_000_000L);

        assertThat(scale.ticksMillis()).first().isEqualTo(0L);
        assertThat(scale.ticksMillis().size()).isBetween(4, 11);
        assertThat(scale.ticksMillis().get(scale.ticksMillis().size() - 1) * 1_000_000).isGreaterThanOrEqualTo(1_453_000_000L);
        assertThat(TimelineScale.label(250)).isEqualTo("250 ms");
        assertThat(TimelineScale.label(1_250)).isEqualTo("1.25 s");
        assertThat(TimelineScale.label(1_500)).isEqualTo("1.5 s");
        assertThat(TimelineScale.label(2_000)).isEqualTo("2 s");
        assertThat(TimelineScale.label(10_000)).isEqualTo("10 s");
    }
}
