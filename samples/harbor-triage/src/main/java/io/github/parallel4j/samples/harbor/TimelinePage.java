package io.github.parallel4j.samples.harbor;

import io.github.parallel4j.TurnReport;
import io.github.parallel4j.observe.TurnTimeline;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page with every turn of the parallel run and, drawn to the same time scale for
 * comparison, LangChain4j's default run of the same triage ({@link TurnTimeline#page}).
 */
final class TimelinePage {

    private TimelinePage() {}

    /**
     * @param comparison both runs
     * @return the page
     */
    static String html(TriageComparison comparison) {
        TriageRun parallel = comparison.parallel();
        TriageRun serial = comparison.serial();
        TurnTimeline.Page page = TurnTimeline.page("harbor-triage: one on-call triage of " + ScriptedTriageModel.INCIDENT)
                .summary(String.format(Locale.ROOT,
                        "LangChain4j default (one after another): %d ms. langchain4j-parallel: %d ms. Speed-up %.1fx.",
                        serial.millis(), parallel.millis(), comparison.speedUp()))
                .limits(TriageDemo.LIMITS);
        for (TurnReport turn : parallel.turns()) {
            page.turn(turn);
        }
        List<TurnTimeline.Bar> bars = serial.spans().stream()
                .map(s -> new TurnTimeline.Bar(s.label(), s.integration(), s.startNanos(), s.endNanos()))
                .toList();
        return page.comparison("For comparison, LangChain4j's default (one after another): " + serial.millis()
                + " ms in all, model turns included", bars).html();
    }
}
