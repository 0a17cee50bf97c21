package io.github.parallel4j.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.TurnReport;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The grey bar of a recorded wait is as long as what was recorded, is drawn for a call that never ran too, and the
 * words beside it stay short however many keys held the call.
 */
class WaitDrawingTest {

    private static final long MS = 1_000_000;
    private static final Pattern WAIT = Pattern.compile("<rect class=\"wait\" x=\"[0-9.]+\" y=\"\\d+\" width=\"([0-9.]+)\"");
    private static final Pattern RUN = Pattern.compile("<rect class=\"run\" x=\"[0-9.]+\" y=\"\\d+\" width=\"([0-9.]+)\"");

    private static CallReport call(String id, boolean ok, ErrorCode code, long ready, long start, long end,
            int attempts, Map<HeldBy, Long> held, Map<HeldBy, String> on) {
        return new CallReport(id, id, "metrics", "{}", "datadog", List.of(), false, 1, ok, code, ok ? null : "it did not",
                null, attempts, false, null, ready, start, end, 0, held, on);
    }

    private static double width(Pattern bar, String html) {
        Matcher m = bar.matcher(html);
        assertThat(m.find()).as("a bar %s", bar).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void should_draw_the_grey_bar_of_a_call_that_waited_and_never_ran_before_its_mark() {
        CallReport queued = call("call_2", false, ErrorCode.BUDGET_EXCEEDED, 0, -1, 900 * MS, 0,
                Map.of(HeldBy.INTEGRATION_CAP, 900 * MS), Map.of(HeldBy.INTEGRATION_CAP, "datadog"));
        String html = TurnTimeline.html(new TurnReport(null, List.of(queued), 1, 900 * MS), "Budget");

        assertThat(html).contains("class=\"not-run\"").contains("waited 900 ms for a datadog slot");
        assertThat(width(WAIT, html)).as("the whole wait, ready to outcome").isGreaterThan(600);
    }

    @Test
    void should_draw_a_retried_calls_grey_bar_as_long_as_its_backoff_not_its_earlier_attempt() {
        // ready at 0, first attempt ran 0..380 ms, backoff 20 ms, second attempt 400..500 ms
        CallReport retried = call("call_1", true, null, 0, 400 * MS, 500 * MS, 2, Map.of(HeldBy.RETRY, 20 * MS),
                Map.of());
        String html = TurnTimeline.html(new TurnReport(null, List.of(retried), 1, 500 * MS), "Retry");

        double waited = width(WAIT, html);
        double ran = width(RUN, html);
        assertThat(waited / ran).as("20 ms against 100 ms").isBetween(0.15, 0.25);
    }

    @Test
    void should_cap_the_words_of_a_wait_on_many_keys_beside_the_row_and_in_the_tooltip() {
        StringBuilder keys = new StringBuilder("svc:0");
        for (int i = 1; i < 200; i++) {
            keys.append(", svc:").append(i);
        }
        CallReport locked = call("call_1", true, null, 0, 300 * MS, 400 * MS, 1, Map.of(HeldBy.KEY_LOCK, 300 * MS),
                Map.of(HeldBy.KEY_LOCK, keys.toString()));
        TurnReport report = new TurnReport(null, List.of(locked), 1, 400 * MS);
        String html = TurnTimeline.html(report, "Keys");
        String ascii = TurnTimeline.ascii(report, 40);

        assertThat(html).doesNotContain("svc:199").contains("\u2026");
        Matcher svg = Pattern.compile("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"(\\d+)\"").matcher(html);
        assertThat(svg.find()).isTrue();
        assertThat(Integer.parseInt(svg.group(1))).as("the words do not widen the picture without end")
                .isLessThan(2500);
        assertThat(ascii).doesNotContain("svc:199");
        assertThat(ascii.strip().length()).isLessThan(40 + 150);
    }

    @Test
    void should_name_the_shared_limits_without_an_integration_by_their_key_locks() {
        CallReport shared = call("call_1", true, null, 0, 50 * MS, 60 * MS, 1, Map.of(HeldBy.SHARED_LIMITS, 50 * MS),
                Map.of());

        assertThat(WaitReason.of(shared, null)).isEqualTo(
                "waited 50 ms for the limits shared across JVMs (their key locks)");
    }

    @Test
    void should_draw_a_comparison_call_that_never_ran_as_not_run() {
        TurnReport comparison = new TurnReport(null, List.of(CallReport.ran("s1", "incident", null, 0, 100 * MS),
                call("s2", false, ErrorCode.DEPENDENCY_FAILED, -1, -1, 100 * MS, 0, Map.of(), Map.of())), 1, 100 * MS);
        String html = TurnTimeline.html("Comparison", null, List.of(), null, Map.of("serial", comparison));

        assertThat(Pattern.compile("class=\"run comparison\"").matcher(html).results().count()).isEqualTo(1);
        assertThat(html).contains("class=\"not-run\"");
    }
}
