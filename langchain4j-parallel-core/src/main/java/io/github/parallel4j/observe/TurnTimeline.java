package io.github.parallel4j.observe;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.TurnReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a finished turn as a Gantt chart, one row per call: {@code .} while it waited for its limits or locks
 * after its predecessors were done, {@code #} while it ran, then its outcome and what held it back, as the scheduler
 * recorded it ({@link CallReport#heldNanos()}). In a message whose calls started as they streamed in, {@code >}
 * marks when each call arrived.
 *
 * <pre>
 * call_1 incident    w1  |#########                   | ok      600 ms
 * call_6 metrics     w1  |....#####                   | ok      308 ms  waited 212 ms for a datadog slot
 * call_7 postSlack   w2  |         ####               | ok      250 ms
 * </pre>
 *
 * <p>{@link #html} draws the same as a self-contained HTML page with SVG: one turn, a whole conversation, and
 * another run drawn beside for comparison (the picture for an incident review).
 */
public final class TurnTimeline {

    private TurnTimeline() {}

    /**
     * The turn as text for a terminal.
     *
     * @param report the turn
     * @param width the chart's width in characters, at least 10
     * @return one line per call
     */
    public static String ascii(TurnReport report, int width) {
        int columns = Math.max(10, width);
        long span = Math.max(1, report.durationNanos());
        int names = 8;
        int states = 8; // as wide as the longest outcome, so that DEPENDENCY_FAILED keeps the columns aligned
        for (CallReport o : report.calls()) {
            names = Math.max(names, label(o).length());
            states = Math.max(states, state(o).length());
        }
        StringBuilder out = new StringBuilder();
        for (CallReport o : report.calls()) {
            char[] bar = new char[columns];
            Arrays.fill(bar, ' ');
            if (o.started()) {
                int ready = column(Math.max(0, o.readyNanos()), span, columns);
                int start = column(o.startNanos(), span, columns);
                int end = Math.max(start + 1, column(o.endNanos(), span, columns));
                for (int c = ready; c < start && c < columns; c++) {
                    bar[c] = '.';
                }
                for (int c = start; c < end && c < columns; c++) {
                    bar[c] = '#';
                }
            }
            int arrived = column(o.arrivedNanos(), span, columns);
            if (o.arrivedNanos() > 0 && arrived < columns && bar[arrived] == ' ') {
                bar[arrived] = '>';
            }
            String why = WaitReason.of(o, null);
            String line = String.format(Locale.ROOT, "%-" + names + "s w%-2d |%s| %-" + states + "s %5d ms", label(o),
                    o.wave(), new String(bar), state(o), o.latencyMillis());
            out.append(why == null ? line : line + "  " + TimelineSvg.cap(why, TimelineSvg.MAX_WHY))
                    .append(System.lineSeparator());
        }
        return out.toString();
    }

    /** @return how a call ended, in a word: ok, cached, shared (an identical read's result) or its error code */
    static String state(CallReport o) {
        if (!o.ok()) {
            return o.errorCode().name();
        }
        return o.cached() ? "cached" : o.sharedWith() != null ? "shared" : "ok";
    }

    /**
     * The turn as a self-contained HTML page with an SVG chart: no script, no external resource.
     *
     * @param report the turn
     * @param title the page's title
     * @return the page
     */
    public static String html(TurnReport report, String title) {
        return html(title, null, List.of(report), null, Map.of());
    }

    /**
     * A page for a whole conversation: every turn drawn to one time scale, each row labelled with its integration's
     * limits.
     *
     * @param title the page's title
     * @param turns the conversation's turns, in order
     * @param limits the integrations' limits (as {@code ParallelTools.integrations()} gives them), or null
     * @return the page
     */
    public static String html(String title, List<TurnReport> turns, Map<String, IntegrationLimits> limits) {
        return html(title, null, turns, limits, Map.of());
    }

    /**
     * A page for a whole conversation with other runs of the same work drawn beside it for comparison (LangChain4j's
     * default, one call after another, say), all to one time scale. Each comparison run comes with its caption, as
     * one entry, so that the two cannot be mixed up; a run of calls timed outside the library is built with
     * {@link CallReport#ran}.
     *
     * <pre>{@code
     * TurnReport serialRun = new TurnReport(null, List.of(CallReport.ran("s1", "incident", "pagerduty", 0, ms(600)),
     *         CallReport.ran("s2", "metrics", "datadog", ms(600), ms(908))), 1, ms(908));
     * String html = TurnTimeline.html("Triage of INC-4211", "4.1x faster than one after another",
     *         List.of(firstTurn, secondTurn), parallel.integrations(), Map.of("LangChain4j default: 908 ms", serialRun));
     * }</pre>
     *
     * <p>The page has a legend (waited for a limit or lock, ran, failed, not run), then a section per turn and one for
     * the comparison: a row per call with its integration and limits, what held it back (as the scheduler recorded
     * it: {@link CallReport#heldNanos()}), its outcome, a tooltip on every mark, and a time axis with ticks. Every
     * section uses the same pixels per millisecond, so bars compare across turns and against the comparison run.
     *
     * @param title the page's title
     * @param summary a sentence under the title (the speed-up, say), or null
     * @param turns the conversation's turns, in order
     * @param limits the integrations' limits, or null
     * @param comparisons the runs drawn after the turns, in the map's order, by their captions (what each run was);
     *     their calls' times are since each run's start, and only their tool, integration, start, end and outcome are
     *     drawn. Empty for none
     * @return the page
     */
    public static String html(String title, String summary, List<TurnReport> turns,
            Map<String, IntegrationLimits> limits, Map<String, TurnReport> comparisons) {
        List<TurnReport> all = List.copyOf(turns);
        Map<String, IntegrationLimits> known = limits == null ? null : Map.copyOf(limits);
        List<TimelineSvg.Section> sections = new ArrayList<>();
        long longest = 1;
        for (int i = 0; i < all.size(); i++) {
            TurnReport report = all.get(i);
            longest = Math.max(longest, report.durationNanos());
            String caption = (all.size() > 1 ? "Turn " + (i + 1) + ": " : "") + count(report.calls().size(), "tool call")
                    + " in one AI message, " + count(report.waveCount(), "wave") + ", at most " + report.maxOverlap()
                    + " at once, " + report.durationNanos() / 1_000_000 + " ms";
            sections.add(new TimelineSvg.Section(caption, TimelineSvg.rows(report, known)));
        }
        for (Map.Entry<String, TurnReport> comparison : comparisons.entrySet()) {
            longest = Math.max(longest, comparison.getValue().durationNanos());
            sections.add(new TimelineSvg.Section(comparison.getKey(),
                    TimelineSvg.comparisonRows(comparison.getValue())));
        }
        String name = title == null ? "" : title;
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(TimelineSvg.escape(name)).append("</title></head>\n")
                .append("<body style=\"font-family:sans-serif\"><h1>").append(TimelineSvg.escape(name))
                .append("</h1>\n");
        if (summary != null) {
            page.append("<p>").append(TimelineSvg.escape(summary)).append("</p>\n");
        }
        page.append(TimelineSvg.legend()).append(TimelineSvg.sections(sections, longest));
        return page.append("</body></html>\n").toString();
    }

    /** @return "1 call", "2 calls" */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String label(CallReport call) {
        return call.id() + " " + call.tool();
    }

    private static int column(long nanos, long span, int columns) {
        return (int) Math.min(columns, Math.round(nanos * (double) columns / span));
    }
}
