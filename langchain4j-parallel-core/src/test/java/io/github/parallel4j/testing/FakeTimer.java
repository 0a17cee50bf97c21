package io.github.parallel4j.testing;

import io.github.parallel4j.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A timer on fake time: tasks run only when the test {@linkplain #advance advances} the clock, in due order, on
 * the test's thread. Its {@link #ticker()} is the clock the scheduler and the gate read, so budgets, timeouts,
 * backoffs and pauses after a 429 pass exactly when the test says, however loaded the machine is.
 */
public final class FakeTimer extends AbstractExecutorService implements ScheduledExecutorService {

    private final AtomicLong now = new AtomicLong();
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;

    /** @return the fake clock */
    public Ticker ticker() {
        return now::get;
    }

    /**
     * Moves the clock on, running every task that falls due on the way at its own time.
     *
     * @param by how far
     */
    public void advance(Duration by) {
        long target = now.get() + by.toNanos();
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    break;
                }
                queue.poll();
            }
            now.accumulateAndGet(next.due, Math::max);
            next.run();
        }
        now.accumulateAndGet(target, Math::max);
    }

    /**
     * Waits (on this object's monitor, not by sleeping) until tasks scheduled by other threads are there.
     *
     * @param count how many live tasks must be due
     * @param within due at most this long from now
     * @throws TimeoutException when they are not there after 10 s of real time
     */
    public synchronized void awaitDue(int count, Duration within) throws InterruptedException, TimeoutException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (due(now.get() + within.toNanos()) < count) {
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("fewer than " + count + " tasks were scheduled: " + queue);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private int due(long by) {
        int n = 0;
        for (Task task : queue) {
            if (!task.isCancelled() && task.due <= by) {
                n++;
            }
        }
        return n;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, now.get() + Math.max(0, unit.toNanos(delay)));
        synchronized (this) {
            task.sequence = sequence++;
            queue.add(task);
            notifyAll();
        }
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the scheduler schedules only runnables");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("the scheduler schedules no periodic task");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the scheduler schedules no periodic task");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    private final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {
        final long due;
        long sequence;

        Task(Runnable command, long due) {
            super(command, null);
            this.due = due;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - now.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task that = (Task) other;
            return due != that.due ? Long.compare(due, that.due) : Long.compare(sequence, that.sequence);
        }

        @Override
        public String toString() {
            return "task due at " + due + (isCancelled() ? " (cancelled)" : "");
        }
    }
}
