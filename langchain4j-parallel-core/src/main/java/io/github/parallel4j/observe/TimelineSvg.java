package io.github.parallel4j.observe;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.TurnReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws timeline sections as SVG: a row per call with its label, integration and limits, a grey bar while it waited
 * (with what the scheduler recorded held it), a green or red bar while it ran, a mark where a call that never ran was decided, and its
 * outcome; a time axis with ticks under each section. Every mark has a tooltip. Columns are as wide as their
 * longest text, so no error code is cut.
 */
final class TimelineSvg {

    static final String WAITED = "#bdbdbd";
    static final String RAN = "#2e7d32";
    static final String FAILED = "#c62828";
    static final String NOT_RUN = "#ef6c00";
    static final String AXIS = "#424242";

    private static final double CHAR = 7.9; // 13 px monospace
    private static final int ROW = 26;
    private static final int BAR = 16;
    private static final int AXIS_HEIGHT = 34;
    private static final double CHART_WIDTH = 720;

    /** The most characters of what held a call drawn beside its row; its tooltip has more ({@link #MAX_HELD}). */
    static final int MAX_WHY = 100;
    /** The most characters of what held a call in its tooltip. */
    static final int MAX_HELD = 400;

    /**
     * One drawn row. Times are nanoseconds since its section's start; {@code ready} is -1 when unknown; {@code waited}
     * is what the scheduler recorded held it after it was ready (its grey bar's length).
     */
    record Row(String label, String integration, boolean ran, long ready, long start, long end, String colour,
            String outcome, String why, String tooltip, boolean comparison, long arrived, long waited) {}

    /** One section: a caption and its rows. */
    record Section(String caption, List<Row> rows) {}

    private TimelineSvg() {}

    static List<Row> rows(TurnReport report, Map<String, IntegrationLimits> limits) {
        List<Row> rows = new ArrayList<>();
        for (CallReport o : report.calls()) {
            String label = o.id() + " " + o.tool() + " " + (o.wave() > 0 ? "w" + o.wave() : "w-");
            String integration = o.integration() == null ? "" : describe(o.integration(), limits);
            String state = TurnTimeline.state(o) + (o.sharedWith() == null ? "" : " with " + o.sharedWith());
            String why = WaitReason.of(o, limits); // recorded by the scheduler as each step let the call through
            String before = WaitReason.before(o);
            String held = cap((before == null ? "" : "; " + before) + (why == null ? "" : "; " + why), MAX_HELD);
            String tooltip;
            if (!o.started()) {
                tooltip = o.id() + " " + o.tool() + ": not run, " + state
                        + (o.error() == null ? "" : ": " + cap(o.error(), 200)) + held;
            } else {
                tooltip = o.id() + " " + o.tool() + " " + cap(o.arguments(), 120) + ": ran "
                        + o.latencyMillis() + " ms, " + state + (o.ok() || o.error() == null ? "" : ": " + cap(o.error(), 200))
                        + (o.attempts() > 1 ? ", " + o.attempts() + " attempts" : "") + held;
            }
            rows.add(new Row(label, integration, o.started(), o.readyNanos(), o.startNanos(), o.endNanos(),
                    !o.started() ? NOT_RUN : o.ok() ? RAN : FAILED,
                    state + (o.started() ? " " + o.latencyMillis() + " ms" : ""), why == null ? null : cap(why, MAX_WHY),
                    tooltip, false, o.arrivedNanos(), WaitReason.afterReadyNanos(o)));
        }
        return rows;
    }

    private static String describe(String integration, Map<String, IntegrationLimits> limits) {
        IntegrationLimits l = limits == null ? null : limits.get(integration);
        return l == null ? integration : integration + " (" + WaitReason.describe(l) + ")";
    }

    /** The rows of a run drawn for comparison: each call's tool as its label, when it ran and how it ended. */
    static List<Row> comparisonRows(TurnReport run) {
        List<Row> rows = new ArrayList<>();
        for (CallReport o : run.calls()) {
            long start = o.startNanos();
            long end = Math.max(start, o.endNanos());
            long millis = o.latencyMillis();
            String state = TurnTimeline.state(o);
            String tooltip = o.started() ? o.tool() + ": ran " + millis + " ms, " + state : o.tool() + ": not run, " + state;
            rows.add(new Row(o.tool(), o.integration() == null ? "" : o.integration(), o.started(), -1, start, end,
                    !o.started() ? NOT_RUN : o.ok() ? RAN : FAILED, state + (o.started() ? " " + millis + " ms" : ""),
                    null, tooltip, true, 0, 0));
        }
        return rows;
    }

    /** The legend, as its own small SVG. */
    static String legend() {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"legend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"26\" role=\"img\""
                + " aria-label=\"legend\">\n");
        String[][] items = {
                {WAITED, "waited for a limit or lock"}, {RAN, "ran"}, {FAILED, "failed"}, {NOT_RUN, "not run"}};
        double x = 4;
        for (String[] item : items) {
            if (item[0].equals(NOT_RUN)) {
                svg.append(notRunMark(x + 7, 13, "not run: the call was refused or skipped (its mark is where that was decided)"));
            } else {
                svg.append(String.format(Locale.ROOT, "<rect class=\"swatch\" x=\"%.1f\" y=\"7\" width=\"12\" height=\"12\""
                        + " fill=\"%s\"><title>%s</title></rect>%n", x, item[0], escape(item[1])));
            }
            svg.append(text(x + 20, 18, item[1], null));
            x += 20 + item[1].length() * CHAR + 24;
        }
        return svg.append("</svg>\n").toString();
    }

    /** Every section with one scale, each followed by its axis. */
    static String sections(List<Section> sections, long longestNanos) {
        int label = 0;
        int integration = 0;
        int outcome = 0;
        for (Section s : sections) {
            for (Row r : s.rows()) {
                label = Math.max(label, r.label().length());
                integration = Math.max(integration, r.integration().length());
                outcome = Math.max(outcome, r.outcome().length());
            }
        }
        double labelWidth = label * CHAR + 16;
        double integrationWidth = integration == 0 ? 0 : integration * CHAR + 16;
        double chartX = labelWidth + integrationWidth;
        TimelineScale scale = new TimelineScale(chartX, CHART_WIDTH, longestNanos);
        double outcomeX = chartX + CHART_WIDTH + 16;
        double whyX = outcomeX + outcome * CHAR + 16;
        int why = 0;
        for (Section s : sections) {
            for (Row r : s.rows()) {
                why = Math.max(why, r.why() == null ? 0 : r.why().length());
            }
        }
        double width = whyX + why * CHAR + 8;

        StringBuilder html = new StringBuilder();
        for (Section s : sections) {
            html.append("<h2>").append(escape(s.caption())).append("</h2>\n");
            int height = ROW * s.rows().size() + AXIS_HEIGHT + 6;
            html.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%d\""
                    + " role=\"img\" aria-label=\"%s\">%n", width, height, escape(s.caption())));
            int y = 4;
            for (Row r : s.rows()) {
                html.append("<g class=\"row\"><title>").append(escape(r.tooltip())).append("</title>\n");
                html.append(text(4, y + 16, r.label(), null));
                if (!r.integration().isEmpty()) {
                    html.append(text(labelWidth, y + 16, r.integration(), "#555"));
                }
                html.append(bars(r, scale, y));
                html.append(text(outcomeX, y + 16, r.outcome(), r.colour().equals(RAN) ? null : r.colour()));
                if (r.why() != null) {
                    html.append(text(whyX, y + 16, r.why(), "#555"));
                }
                html.append("</g>\n");
                y += ROW;
            }
            html.append(axis(scale, y + 2));
            html.append("</svg>\n");
        }
        return html.toString();
    }

    private static String bars(Row r, TimelineScale scale, int y) {
        StringBuilder svg = new StringBuilder();
        if (r.arrived() > 0) { // a streamed call: when it arrived, before which it could not start
            double x = scale.at(r.arrived());
            svg.append(String.format(Locale.ROOT, "<path class=\"arrival\" d=\"M%.1f %d l-4 -5 h8 z\" fill=\"%s\">"
                    + "<title>%s</title></path>%n", x, y + 4, WAITED, escape(r.label() + ": streamed in")));
        }
        // the grey bar is as long as the recorded waits and ends where the wait ended: the start, or the outcome of a
        // call that never ran (an earlier attempt's run, before a backoff, is not drawn as a wait)
        long waitEnd = r.ran() ? r.start() : r.end();
        if (r.ready() >= 0 && r.why() != null && r.waited() > 0) {
            double to = scale.at(waitEnd);
            double from = scale.at(Math.max(r.ready(), waitEnd - r.waited()));
            svg.append(String.format(Locale.ROOT, "<rect class=\"wait\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>%s</title></rect>%n", from, y + 4, Math.max(1, to - from), BAR, WAITED,
                    escape(r.label() + ": " + r.why() + ", after its inputs were ready")));
        }
        if (!r.ran()) {
            return svg.append(notRunMark(scale.at(r.end()), y + 4 + BAR / 2.0, r.tooltip())).toString();
        }
        double start = scale.at(r.start());
        double end = Math.max(start + 2, scale.at(r.end()));
        // a comparison run's bars are classed apart, so that a page's own calls can be counted on their own
        svg.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                + " fill=\"%s\"><title>%s</title></rect>%n", r.comparison() ? "run comparison" : "run", start, y + 4,
                end - start, BAR, r.colour(),
                escape(r.tooltip())));
        return svg.toString();
    }

    /** A hollow diamond with a cross: the call never ran. */
    private static String notRunMark(double x, double y, String tooltip) {
        return String.format(Locale.ROOT, "<g class=\"not-run\"><title>%s</title><path d=\"M%.1f %.1f l7 7 l-7 7 l-7 -7 z"
                + " M%.1f %.1f l6 6 M%.1f %.1f l-6 6\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"/></g>%n",
                escape(tooltip), x, y - 7, x - 3, y - 3, x + 3, y - 3, NOT_RUN);
    }

    private static String axis(TimelineScale scale, int y) {
        StringBuilder svg = new StringBuilder("<g class=\"axis\">\n");
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                + " stroke-width=\"2\"/>%n", scale.x, y, scale.x + scale.width, y, AXIS));
        for (long t : scale.ticksMillis()) {
            double x = scale.at(t * 1_000_000);
            svg.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                    + " stroke=\"%s\" stroke-width=\"2\"/>%n", x, y, x, y + 7, AXIS));
            String label = TimelineScale.label(t);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-family=\"monospace\" font-size=\"11\""
                    + " text-anchor=\"middle\">%s</text>%n", x, y + 20, escape(label)));
        }
        return svg.append("</g>\n").toString();
    }

    private static String text(double x, int y, String text, String colour) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-family=\"monospace\" font-size=\"13\"%s>%s</text>%n",
                x, y, colour == null ? "" : " fill=\"" + colour + "\"", escape(text));
    }

    static String cap(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
