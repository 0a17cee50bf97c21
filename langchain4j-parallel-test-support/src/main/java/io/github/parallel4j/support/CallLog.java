package io.github.parallel4j.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/** Records when each tool invocation started and ended (System.nanoTime), from inside the tools. */
public final class CallLog {

    public record Interval(String name, String detail, long start, long end, String thread) {
        public boolean overlaps(Interval other) {
            return start < other.end && other.start < end;
        }
    }

    private final List<Interval> intervals = Collections.synchronizedList(new ArrayList<>());

    public <T> T record(String name, String detail, Callable<T> body) {
        long start = System.nanoTime();
        try {
            return body.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException(e);
        } finally {
            intervals.add(new Interval(name, detail, start, System.nanoTime(), Thread.currentThread().getName()));
        }
    }

    public List<Interval> intervals() {
        synchronized (intervals) {
            return List.copyOf(intervals);
        }
    }

    public Interval only(String name) {
        List<Interval> matching = intervals().stream().filter(i -> i.name().equals(name)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one call of " + name + ", got " + matching);
        }
        return matching.get(0);
    }

    public int count(String name) {
        return (int) intervals().stream().filter(i -> i.name().equals(name)).count();
    }
}
