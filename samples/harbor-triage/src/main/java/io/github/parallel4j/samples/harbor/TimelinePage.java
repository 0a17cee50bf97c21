package io.github.parallel4j.samples.harbor;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.observe.TurnTimeline;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page with every turn of the parallel run and, drawn to the same time scale for
 * comparison, LangChain4j's default run of the same triage ({@link TurnTimeline#html(String, String, List,
 * Map, Map)}).
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
        return TurnTimeline.html("harbor-triage: one on-call triage of " + ScriptedTriageModel.INCIDENT,
                String.format(Locale.ROOT,
                        "LangChain4j default (one after another): %d ms. langchain4j-parallel: %d ms. Speed-up %.1fx.",
                        serial.millis(), parallel.millis(), comparison.speedUp()),
                parallel.turns(), TriageDemo.LIMITS,
                Map.of("For comparison, LangChain4j's default (one after another): " + serial.millis()
                        + " ms in all, model turns included", asReport(serial)));
    }

    /** The serial run's calls, as seen from inside the tools, as a report of one turn: what the page draws. */
    private static TurnReport asReport(TriageRun serial) {
        List<CallReport> calls = new java.util.ArrayList<>();
        for (int i = 0; i < serial.spans().size(); i++) {
            CallSpan s = serial.spans().get(i);
            calls.add(CallReport.ran("serial_" + (i + 1), s.label(), s.integration(), s.startNanos(), s.endNanos()));
        }
        return new TurnReport(null, calls, 1, serial.nanos());
    }
}
