package io.github.parallel4j.samples.harbor;

import io.github.parallel4j.TurnReport;
import java.util.List;

/**
 * One run of the triage: how long the AI service call took, when each tool call ran, and, through the library,
 * each turn's report.
 *
 * @param title how the tools were run, e.g. "LangChain4j default (one after another)"
 * @param nanos the whole AI service call, model turns included
 * @param spans every tool call, by start time
 * @param turns the library's report of each turn with tool calls; empty for LangChain4j's default
 * @param posted the summaries posted to Slack
 * @param answer the assistant's final answer
 */
public record TriageRun(String title, long nanos, List<CallSpan> spans, List<TurnReport> turns, List<String> posted,
        String answer) {

    public TriageRun {
        spans = List.copyOf(spans);
        turns = List.copyOf(turns);
        posted = List.copyOf(posted);
    }

    /** @return the run's duration in milliseconds */
    public long millis() {
        return nanos / 1_000_000;
    }

    /** @return the reads, by start time */
    public List<CallSpan> reads() {
        return spans.stream().filter(s -> !s.write()).toList();
    }

    /** @return the writes, by start time */
    public List<CallSpan> writes() {
        return spans.stream().filter(CallSpan::write).toList();
    }

    /**
     * @param integration an integration's name
     * @return the most calls to it that ran at the same time
     */
    public int peakConcurrency(String integration) {
        return peak(spans.stream().filter(s -> s.integration().equals(integration)).toList());
    }

    /** @return the most reads that ran at the same time */
    public int peakReadConcurrency() {
        return peak(reads());
    }

    private static int peak(List<CallSpan> spans) {
        int max = 0;
        for (CallSpan a : spans) {
            int at = 0;
            for (CallSpan b : spans) {
                if (b.startNanos() <= a.startNanos() && a.startNanos() < b.endNanos()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }
}
