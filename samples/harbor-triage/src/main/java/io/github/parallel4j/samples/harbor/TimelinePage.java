package io.github.parallel4j.samples.harbor;

import io.github.parallel4j.TurnReport;
import io.github.parallel4j.observe.TurnTimeline;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page with every turn of the parallel run, each drawn by {@link TurnTimeline#html}.
 */
final class TimelinePage {

    private TimelinePage() {}

    /**
     * @param comparison both runs
     * @return the page
     */
    static String html(TriageComparison comparison) {
        TriageRun parallel = comparison.parallel();
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>harbor-triage</title></head>\n")
                .append("<body style=\"font-family:sans-serif\">\n<h1>harbor-triage: one on-call triage</h1>\n")
                .append(String.format(Locale.ROOT,
                        "<p>LangChain4j default (one after another): %d ms. langchain4j-parallel: %d ms. "
                                + "Speed-up %.1fx.</p>%n",
                        comparison.serial().millis(), parallel.millis(), comparison.speedUp()));
        List<TurnReport> turns = parallel.turns();
        for (int i = 0; i < turns.size(); i++) {
            int calls = turns.get(i).outcomes().size();
            String turnPage = TurnTimeline.html(turns.get(i),
                    "Turn " + (i + 1) + ": " + calls + (calls == 1 ? " tool call" : " tool calls"));
            page.append("<section>\n").append(body(turnPage)).append("</section>\n");
        }
        return page.append("</body></html>\n").toString();
    }

    /** The inside of a page's body, so that several turns share one page; the whole page if it has no body. */
    private static String body(String page) {
        int open = page.indexOf("<body");
        int start = open < 0 ? -1 : page.indexOf('>', open);
        int end = page.lastIndexOf("</body>");
        if (start < 0 || end < start) {
            return page;
        }
        return page.substring(start + 1, end);
    }
}
