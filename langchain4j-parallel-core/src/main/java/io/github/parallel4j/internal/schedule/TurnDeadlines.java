package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.policy.Durations;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends turns whose budget ran out, without a timer task per turn. Turns with the same budget end in the order
 * they started, so each budget has one line, in deadline order, and one timer task armed for the deadline at its
 * head; a turn joining a line costs one queue entry and no timer call. When the task fires it skips the turns
 * that finished meanwhile and expires the ones due, then arms itself for the next live deadline, so a steady
 * stream of short turns wakes the timer about once per budget, not once per turn.
 *
 * <p>Deadlines are the turns' own ({@link TurnBudget#deadline()}), on the scheduler's ticker, and the timer's delays
 * are taken as that ticker's nanoseconds: with the system ticker they are {@link System#nanoTime()}'s, and a test that
 * drives a fake timer from a fake ticker ends budgets exactly when it advances the clock. A finished turn lets go of
 * its entry ({@link Entry#finished()}), so the line holds only small tombstones until the timer passes them. Entries
 * that join a line out of their deadline order by a few microseconds (threads racing to join) are expired as late as
 * the one before them.
 *
 * <p>Thread-safe. The expiring step runs on the timer and is the library's own short code.
 */
final class TurnDeadlines {

    private final ScheduledExecutorService timer;
    private final Ticker ticker;
    private final Map<Long, Line> lines = new ConcurrentHashMap<>();

    TurnDeadlines(ScheduledExecutorService timer, Ticker ticker) {
        this.timer = timer;
        this.ticker = ticker;
    }

    TurnDeadlines(ScheduledExecutorService timer) {
        this(timer, Ticker.system());
    }

    /**
     * Watches a turn until its budget runs out.
     *
     * @param budgetNanos the turn's budget
     * @param expire ends the turn; run on the timer at the deadline unless the entry was finished before
     * @return the entry, to {@link Entry#finished()} when the turn is done
     */
    Entry watch(long budgetNanos, Runnable expire) {
        return watch(budgetNanos, Durations.deadline(ticker.read(), budgetNanos), expire);
    }

    /**
     * Watches a turn until its deadline.
     *
     * @param budgetNanos the turn's budget: turns of one budget share a line
     * @param deadline the turn's deadline on the ticker
     * @param expire ends the turn; run on the timer at the deadline unless the entry was finished before
     * @return the entry, to {@link Entry#finished()} when the turn is done
     */
    Entry watch(long budgetNanos, long deadline, Runnable expire) {
        Entry entry = new Entry(deadline, expire);
        lines.computeIfAbsent(budgetNanos, b -> new Line()).add(entry);
        return entry;
    }

    /** One turn in a line: its deadline, and what ends it, dropped once the turn is done. */
    static final class Entry {
        final long deadline;
        private volatile Runnable expire;

        Entry(long deadline, Runnable expire) {
            this.deadline = deadline;
            this.expire = expire;
        }

        /** The turn is done: the line keeps no reference to it. */
        void finished() {
            expire = null;
        }
    }

    /** The turns of one budget, oldest first, and whether a timer task is armed for its head. */
    private final class Line {
        final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean armed = new AtomicBoolean();

        void add(Entry entry) {
            queue.offer(entry);
            if (armed.compareAndSet(false, true)) {
                arm(entry.deadline - ticker.read());
            }
        }

        void sweep() {
            while (true) {
                Entry head = queue.peek();
                if (head == null) {
                    armed.set(false);
                    // A turn may have joined between the peek and the disarming: it must not wait unwatched.
                    if (queue.isEmpty() || !armed.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                Runnable expire = head.expire;
                if (expire == null) {
                    queue.poll();
                    continue;
                }
                long left = head.deadline - ticker.read();
                if (left > 0) {
                    arm(left);
                    return;
                }
                queue.poll();
                head.finished();
                try {
                    expire.run();
                } catch (RuntimeException e) {
                    // one turn's failure to close must not leave the turns behind it unwatched
                }
            }
        }

        private void arm(long delayNanos) {
            try {
                timer.schedule(this::sweep, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                armed.set(false); // the timer is shut down (the JVM is ending); nothing can expire any more
            }
        }
    }
}
