package io.github.parallel4j.samples.harbor;

/**
 * When one tool call ran, as seen from inside the tool.
 *
 * @param tool the tool's name
 * @param integration the external system it reads or writes
 * @param detail its main argument, for display
 * @param write whether it changes state
 * @param startNanos when it started, in nanoseconds since its run began
 * @param endNanos when it ended, in nanoseconds since its run began
 */
public record CallSpan(String tool, String integration, String detail, boolean write, long startNanos,
        long endNanos) {

    /**
     * @param other another span
     * @return whether the two ran at the same time for a while
     */
    public boolean overlaps(CallSpan other) {
        return startNanos < other.endNanos && other.startNanos < endNanos;
    }

    /** @return how long it ran, in milliseconds */
    public long millis() {
        return (endNanos - startNanos) / 1_000_000;
    }

    /** @return the tool and its main argument, e.g. {@code metrics(error_rate)} */
    public String label() {
        return detail == null || detail.isEmpty() ? tool : tool + "(" + detail + ")";
    }
}
