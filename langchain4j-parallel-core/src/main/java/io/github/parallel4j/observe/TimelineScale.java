package io.github.parallel4j.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One time scale for a whole timeline page: every turn and the comparison run are drawn with the same pixels per
 * millisecond, so a 157 ms bar is a ninth of a 1 400 ms one wherever each appears. Picks "round" tick steps (1, 2,
 * 2.5 or 5 times a power of ten) so that the axis has at most ten labelled ticks.
 */
final class TimelineScale {

    private static final long[] STEPS_MS = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000,
            10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000};

    final double x;
    final double width;
    final long spanNanos;
    final long stepMillis;

    /**
     * @param x where time 0 is drawn
     * @param width the pixels for the longest span
     * @param longestNanos the longest turn or run on the page
     */
    TimelineScale(double x, double width, long longestNanos) {
        this.x = x;
        this.width = width;
        long longestMillis = Math.max(1, (longestNanos + 999_999) / 1_000_000);
        long step = STEPS_MS[STEPS_MS.length - 1];
        for (long candidate : STEPS_MS) {
            if ((longestMillis + candidate - 1) / candidate <= 10) {
                step = candidate;
                break;
            }
        }
        this.stepMillis = step;
        // the axis ends on a tick, so the last label is never cut
        long ticks = (longestMillis + step - 1) / step;
        this.spanNanos = Math.max(1, ticks) * step * 1_000_000;
    }

    /** @return the x of a time since the turn's (or run's) start */
    double at(long nanos) {
        return x + width * (Math.max(0, nanos) / (double) spanNanos);
    }

    /** @return the ticks, from 0 to the end of the axis */
    List<Long> ticksMillis() {
        List<Long> ticks = new ArrayList<>();
        for (long t = 0; t * 1_000_000 <= spanNanos; t += stepMillis) {
            ticks.add(t);
        }
        return ticks;
    }

    /** @return a tick's label: {@code 250 ms}, {@code 1.25 s}, {@code 1.5 s}, {@code 2 s} */
    static String label(long millis) {
        if (millis < 1_000) {
            return millis + " ms";
        }
        String seconds = String.format(Locale.ROOT, "%.3f", millis / 1_000.0).replaceAll("\\.?0+$", "");
        return seconds + " s";
    }
}
