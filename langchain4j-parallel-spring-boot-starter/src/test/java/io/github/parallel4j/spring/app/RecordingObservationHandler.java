package io.github.parallel4j.spring.app;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Records each observation's start and stop times and the thread it started on: a tracer, for tests. */
public class RecordingObservationHandler implements ObservationHandler<Observation.Context> {

    /** One observation as recorded. */
    public record Span(String name, String contextualName, Observation.Context context, Observation.ContextView parent,
            long start, long stop, String thread, Throwable error) {}

    private final Map<Observation.Context, long[]> open = new ConcurrentHashMap<>();
    private final Map<Observation.Context, String> threads = new ConcurrentHashMap<>();
    private final List<Span> finished = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onStart(Observation.Context context) {
        open.put(context, new long[] {System.nanoTime()});
        threads.put(context, Thread.currentThread().getName());
    }

    @Override
    public void onStop(Observation.Context context) {
        long[] start = open.remove(context);
        finished.add(new Span(context.getName(), context.getContextualName(), context, context.getParentObservation() == null
                ? null : context.getParentObservation().getContextView(), start == null ? -1 : start[0],
                System.nanoTime(), threads.remove(context), context.getError()));
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return true;
    }

    public List<Span> finished(String name) {
        synchronized (finished) {
            return finished.stream().filter(s -> s.name().equals(name)).toList();
        }
    }

    public void clear() {
        finished.clear();
    }
}
