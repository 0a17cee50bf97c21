package io.github.parallel4j.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.CallReport.HeldBy;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.TurnReport;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The timelines say what the scheduler recorded held a call, and nothing it did not record. */
class RecordedWaitTest {

    private static final long MS = 1_000_000;

    private static CallReport call(String id, long ready, long start, long end, Map<HeldBy, Long> held,
            Map<HeldBy, String> on) {
        return new CallReport(id, id, "metrics", "{}", "datadog", List.of("svc:api"), false, 1, true, null, null, null,
                1, false, null, ready, start, end, 0, held, on);
    }

    @Test
    void should_print_each_recorded_step_with_its_knob_in_both_timelines() {
        Map<HeldBy, Long> held = new EnumMap<>(HeldBy.class);
        held.put(HeldBy.RATE, 80 * MS); // given out of the chain's order: the report puts it in order
        held.put(HeldBy.INTEGRATION_CAP, 300 * MS);
        held.put(HeldBy.KEY_LOCK, 20 * MS);
        CallReport waited = call("call_2", 0, 400 * MS, 500 * MS, held,
                Map.of(HeldBy.INTEGRATION_CAP, "datadog", HeldBy.RATE, "datadog", HeldBy.KEY_LOCK, "svc:api"));
        TurnReport report = new TurnReport(null, List.of(waited), 1, 500 * MS);

        assertThat(waited.heldNanos().keySet()).containsExactly(HeldBy.KEY_LOCK, HeldBy.INTEGRATION_CAP, HeldBy.RATE);
        assertThat(waited.heldBy()).isEqualTo(HeldBy.INTEGRATION_CAP);
        assertThat(TurnTimeline.ascii(report, 40)).contains(
                "waited 20 ms for the lock on svc:api, 300 ms for a datadog slot, 80 ms for a datadog permit");
        String html = TurnTimeline.html("Waits", List.of(report),
                Map.of("datadog", IntegrationLimits.builder().maxConcurrent(2).build()));
        assertThat(html).contains("300 ms for a datadog slot (at most 2 at once)").contains("class=\"wait\"");
    }

    @Test
    void should_name_no_reason_when_nothing_was_recorded_however_long_the_gap() {
        // 400 ms between ready and start, but no step recorded a hold: the page guesses nothing
        CallReport gap = call("call_1", 0, 400 * MS, 500 * MS, Map.of(), Map.of());
        TurnReport report = new TurnReport(null, List.of(gap), 1, 500 * MS);

        assertThat(TurnTimeline.ascii(report, 40)).doesNotContain("waited");
        String html = TurnTimeline.html("No waits", List.of(report),
                Map.of("datadog", IntegrationLimits.builder().maxConcurrent(2).build()));
        assertThat(html).doesNotContain("waited 400").doesNotContain("class=\"wait\"");
    }

    @Test
    void should_say_what_a_call_waited_for_before_it_was_ready_in_its_tooltip() {
        CallReport after = call("call_2", 600 * MS, 600 * MS, 700 * MS, Map.of(HeldBy.DATA, 600 * MS),
                Map.of(HeldBy.DATA, "call_1"));
        String html = TurnTimeline.html(new TurnReport(null, List.of(after), 1, 700 * MS), "Ready after");

        assertThat(html).contains("ready after call_1's output (600 ms)");
    }
}
