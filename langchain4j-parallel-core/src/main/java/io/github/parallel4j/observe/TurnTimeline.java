package io.github.parallel4j.observe;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.TurnReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a finished turn as a Gantt chart, one row per call: {@code .} while it waited for its limits or locks
 * after its predecessors were done, {@code #} while it ran, then its outcome. In a message whose calls started as
 * they streamed in, {@code >} marks when each call arrived.
 *
 * <pre>
 * call_1 incident    w1  |#########                   | ok      600 ms
 * call_6 owner       w2  |         ....#####          | ok      308 ms
 * call_7 postSlack   w3  |                  ####      | ok      250 ms
 * </pre>
 *
 * <p>{@link #html} and {@link #page} draw the same as a self-contained HTML page with SVG (the picture for an
 * incident review): see {@link Page}.
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
        for (CallReport o : report.calls()) {
            names = Math.max(names, label(o).length());
        }
        StringBuilder out = new StringBuilder();
        for (CallReport o : report.calls()) {
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
            int arrived = column(o.arrivedNanos(), span, columns);
            if (o.arrivedNanos() > 0 && arrived < columns && bar[arrived] == ' ') {
                bar[arrived] = '>';
            }
            out.append(String.format(Locale.ROOT, "%-" + names + "s w%-2d |%s| %-8s %5d ms%n", label(o),
                    o.wave(), new String(bar), state(o), o.latencyMillis()));
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
     * The turn as a self-contained HTML page with an SVG chart: no script, no external resource. The same as
     * {@code page(title).turn(report).html()}.
     *
     * @param report the turn
     * @param title the page's title
     * @return the page
     */
    public static String html(TurnReport report, String title) {
        return page(title).turn(report).html();
    }

    /**
     * A page for a whole conversation: every turn, and optionally another run of the same work for comparison,
     * drawn to one time scale.
     *
     * <pre>{@code
     * String html = TurnTimeline.page("Triage of INC-4211")
     *         .limits(parallel.integrations())           // integration limits per row, and why calls waited
     *         .comparison("LangChain4j default", bars)   // optional: the serial run, same scale
     *         .turn(firstTurn).turn(secondTurn)
     *         .html();
     * }</pre>
     *
     * @param title the page's title
     * @return a page to add turns to
     */
    public static Page page(String title) {
        return new Page(title);
    }

    /**
     * One call of a run the library did not schedule (LangChain4j's default, say), for a page's comparison.
     *
     * @param label what the row says, e.g. {@code metrics(p99_latency)}
     * @param integration the integration it talks to, or null
     * @param startNanos when it started, since that run's start
     * @param endNanos when it ended, since that run's start
     */
    public record Bar(String label, String integration, long startNanos, long endNanos) {

        public Bar {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("a bar needs a label, was '" + label + "'");
            }
            if (startNanos < 0 || endNanos < startNanos) {
                throw new IllegalArgumentException("a bar needs 0 <= start <= end, was " + startNanos + ".." + endNanos
                        + " for " + label);
            }
        }
    }

    /**
     * A timeline page being put together. Not thread-safe: build it on one thread.
     *
     * <p>The page has a legend (waited for a limit or lock, ran, failed, not run), then a section per turn and for
     * the comparison: a row per call with its integration and limits, why it waited, its outcome, a tooltip on every
     * mark, and a time axis with ticks. Every section uses the same pixels per millisecond, so bars compare across
     * turns and against the comparison run.
     */
    public static final class Page {

        private final String title;
        private final List<TurnReport> turns = new ArrayList<>();
        private Map<String, IntegrationLimits> limits;
        private String comparisonCaption;
        private List<Bar> comparison;
        private String summary;

        private Page(String title) {
            this.title = title == null ? "" : title;
        }

        /**
         * @param limits the integrations' limits (as {@code ParallelTools.integrations()} gives them), to label each
         *     row's integration and say what a call waited for
         * @return this page
         */
        public Page limits(Map<String, IntegrationLimits> limits) {
            this.limits = limits == null ? null : Map.copyOf(limits);
            return this;
        }

        /**
         * @param report the next turn of the conversation
         * @return this page
         */
        public Page turn(TurnReport report) {
            turns.add(java.util.Objects.requireNonNull(report, "report"));
            return this;
        }

        /**
         * @param caption what the run was, e.g. "LangChain4j default (one after another): 4 011 ms"
         * @param bars its calls, times since its start
         * @return this page
         */
        public Page comparison(String caption, List<Bar> bars) {
            this.comparisonCaption = caption;
            this.comparison = List.copyOf(bars);
            return this;
        }

        /**
         * @param text a sentence under the title, e.g. the speed-up
         * @return this page
         */
        public Page summary(String text) {
            this.summary = text;
            return this;
        }

        /** @return the page: self-contained HTML, no script, no external resource */
        public String html() {
            List<TimelineSvg.Section> sections = new ArrayList<>();
            long longest = 1;
            for (int i = 0; i < turns.size(); i++) {
                TurnReport report = turns.get(i);
                longest = Math.max(longest, report.durationNanos());
                int calls = report.calls().size();
                int waves = report.waveCount();
                String caption = (turns.size() > 1 ? "Turn " + (i + 1) + ": " : "") + count(calls, "tool call")
                        + " in one AI message, " + count(waves, "wave") + ", at most " + report.maxOverlap()
                        + " at once, " + report.durationNanos() / 1_000_000 + " ms";
                sections.add(new TimelineSvg.Section(caption, TimelineSvg.rows(report, limits)));
            }
            if (comparison != null) {
                for (Bar bar : comparison) {
                    longest = Math.max(longest, bar.endNanos());
                }
                sections.add(new TimelineSvg.Section(comparisonCaption == null ? "Comparison" : comparisonCaption,
                        TimelineSvg.rows(comparison)));
            }
            StringBuilder page = new StringBuilder();
            page.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                    .append(TimelineSvg.escape(title)).append("</title></head>\n")
                    .append("<body style=\"font-family:sans-serif\"><h1>").append(TimelineSvg.escape(title))
                    .append("</h1>\n");
            if (summary != null) {
                page.append("<p>").append(TimelineSvg.escape(summary)).append("</p>\n");
            }
            page.append(TimelineSvg.legend()).append(TimelineSvg.sections(sections, longest));
            return page.append("</body></html>\n").toString();
        }
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
