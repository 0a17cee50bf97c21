package io.github.parallel4j.observe;

import io.github.parallel4j.TurnReport;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.schedule.CallOutcome;
import java.util.Locale;

/**
 * Draws a finished turn as a Gantt chart, one row per call: {@code .} while it waited for its limits or locks
 * after its predecessors were done, {@code #} while it ran, then its outcome.
 *
 * <pre>
 * call_1 incident    w1  |#########                   | ok      600 ms
 * call_6 owner       w2  |         ....#####          | ok      308 ms
 * call_7 postSlack   w3  |                  ####      | ok      250 ms
 * </pre>
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
        for (CallOutcome o : report.outcomes()) {
            names = Math.max(names, label(o.call()).length());
        }
        StringBuilder out = new StringBuilder();
        for (CallOutcome o : report.outcomes()) {
            char[] bar = new char[columns];
            java.util.Arrays.fill(bar, ' ');
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
            out.append(String.format(Locale.ROOT, "%-" + names + "s w%-2d |%s| %-8s %5d ms%n", label(o.call()),
                    o.call().wave(), new String(bar), o.ok() ? (o.cached() ? "cached" : "ok") : o.errorCode().name(),
                    o.latencyMillis()));
        }
        return out.toString();
    }

    /**
     * The turn as a self-contained HTML page with an SVG chart: no script, no external resource.
     *
     * @param report the turn
     * @param title the page's title
     * @return the page
     */
    public static String html(TurnReport report, String title) {
        int rowHeight = 28;
        int labelWidth = 260;
        int chartWidth = 720;
        int height = rowHeight * report.outcomes().size() + 40;
        long span = Math.max(1, report.durationNanos());
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">%n",
                labelWidth + chartWidth + 120, height));
        int y = 10;
        for (CallOutcome o : report.outcomes()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-family=\"monospace\" font-size=\"13\">%s</text>%n",
                    y + 18, escape(label(o.call()) + " w" + o.call().wave())));
            if (o.started()) {
                double ready = labelWidth + chartWidth * (Math.max(0, o.readyNanos()) / (double) span);
                double start = labelWidth + chartWidth * (o.startNanos() / (double) span);
                double end = Math.max(start + 2, labelWidth + chartWidth * (o.endNanos() / (double) span));
                if (start - ready >= 1) {
                    svg.append(String.format(Locale.ROOT,
                            "<rect class=\"wait\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"#d9d9d9\"/>%n",
                            ready, y + 4, start - ready));
                }
                svg.append(String.format(Locale.ROOT,
                        "<rect class=\"run\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"><title>%s</title></rect>%n",
                        start, y + 4, end - start, o.ok() ? "#2e7d32" : "#c62828",
                        escape(o.call().id() + ": " + o.latencyMillis() + " ms")));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"monospace\" font-size=\"13\">%s</text>%n",
                    labelWidth + chartWidth + 8, y + 18,
                    escape(o.ok() ? (o.cached() ? "cached" : "ok") : o.errorCode().name())));
            y += rowHeight;
        }
        svg.append("</svg>\n");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>\n"
                + "<body style=\"font-family:sans-serif\"><h1>" + escape(title) + "</h1>\n<p>"
                + report.outcomes().size() + " calls, " + report.plan().waveCount() + " waves, at most "
                + report.maxOverlap() + " at once, " + report.durationNanos() / 1_000_000 + " ms</p>\n" + svg
                + "</body></html>\n";
    }

    private static String label(PlannedCall call) {
        return call.id() + " " + call.name();
    }

    private static int column(long nanos, long span, int columns) {
        return (int) Math.min(columns, Math.round(nanos * (double) columns / span));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
