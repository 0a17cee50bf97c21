package io.github.parallel4j.samples.harbor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws recorded tool calls as a Gantt chart for a terminal, one row per call: {@code #} while it ran. Used for
 * LangChain4j's default run, which has no turn report of its own.
 */
final class SpanChart {

    private SpanChart() {}

    /**
     * @param spans the calls
     * @param totalNanos the time the chart spans, from 0
     * @param width the chart's width in characters
     * @return one line per call
     */
    static String ascii(List<CallSpan> spans, long totalNanos, int width) {
        long span = Math.max(1, totalNanos);
        int labels = 8;
        for (CallSpan s : spans) {
            labels = Math.max(labels, s.label().length());
        }
        StringBuilder out = new StringBuilder();
        for (CallSpan s : spans) {
            char[] bar = new char[width];
            Arrays.fill(bar, ' ');
            int start = column(s.startNanos(), span, width);
            int end = Math.max(start + 1, column(s.endNanos(), span, width));
            for (int c = start; c < end && c < width; c++) {
                bar[c] = '#';
            }
            out.append(String.format(Locale.ROOT, "%-" + labels + "s %-12s |%s| %5d ms%n", s.label(), s.integration(),
                    new String(bar), s.millis()));
        }
        return out.toString();
    }

    private static int column(long nanos, long span, int width) {
        return (int) Math.min(width, Math.round(nanos * (double) width / span));
    }
}
