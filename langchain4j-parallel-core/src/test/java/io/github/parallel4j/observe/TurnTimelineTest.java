package io.github.parallel4j.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.TurnReport;
import java.util.List;
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

        assertThat(report.outcomes()).hasSize(3);
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
}
