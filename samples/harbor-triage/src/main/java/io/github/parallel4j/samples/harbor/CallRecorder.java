package io.github.parallel4j.samples.harbor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Records every tool call of one run (start and end, from inside the tool) and tells a progress listener as each
 * call finishes. Thread-safe: tools record from whichever thread runs them.
 */
public final class CallRecorder {

    private volatile long origin = System.nanoTime();
    private final List<CallSpan> spans = Collections.synchronizedList(new ArrayList<>());
    private final Consumer<CallSpan> onFinished;

    /**
     * @param onFinished told about each finished call, on the tool's thread
     */
    public CallRecorder(Consumer<CallSpan> onFinished) {
        this.onFinished = onFinished;
    }

    /** Starts the clock again: call it just before the run, so that times count from the run's start. */
    public void start() {
        origin = System.nanoTime();
    }

    /** @return nanoseconds since {@link #start()}, or since this recorder was made */
    long now() {
        return System.nanoTime() - origin;
    }

    void finished(CallSpan span) {
        spans.add(span);
        onFinished.accept(span);
    }

    /** @return the recorded calls, by start time */
    public List<CallSpan> spans() {
        synchronized (spans) {
            List<CallSpan> copy = new ArrayList<>(spans);
            copy.sort(Comparator.comparingLong(CallSpan::startNanos));
            return copy;
        }
    }
}
