package io.github.parallel4j.internal.schedule;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attempts that one pass over a turn's ready calls hands to tool threads, started with the wake-ups shared out:
 * the thread that made them ready does not wake every tool thread itself, each thread it wakes wakes up to two more
 * before it runs its own call.
 *
 * <p>Why: waking a parked thread is a system call and, on a busy core, a switch to the thread woken. A profile of a
 * turn of 64 calls on two cores (Java 17, the library's elastic pool) put more than half of the starting thread's time
 * in {@code LockSupport.unpark}, one after another, while the other core sat idle between the tools it started; the
 * 64th call started 0.4 ms after the first. Shared out, the wake-ups run on every core at once, the way a
 * {@code ForkJoinPool}'s workers wake each other.
 *
 * <p>Use: {@link #open} when a pass over ready calls begins on a thread; while it is open, each attempt of that turn
 * that is to go to a tool thread is {@link #offer offered} here: the first goes at once (a pass's first call is not
 * held up by the others' admission), the rest are collected; {@link #close} launches those. Only on the library's own
 * executor ({@link TurnScheduler#fansOut()}): a user's executor may do more around a task than run it, with what the
 * submitting thread has, and there every attempt is still submitted by the thread that made it ready.
 *
 * <p>Nothing is lost: an attempt whose task the executor refuses fails as one submitted directly would
 * ({@link Attempt#submitAfterAll(Runnable)}), and {@link #close} runs in a {@code finally}. A scope is seen by the
 * thread that opened it only; the launch itself is lock-free (each task takes its attempt by an atomic index).
 */
final class Launches {

    private static final ThreadLocal<Launches> OPEN = new ThreadLocal<>();

    /** How many more tasks each launched task starts before it runs its own attempt. */
    static final int FAN_OUT = 2;

    private final TurnRun turn;
    private final Launches outer;
    private Attempt[] held = new Attempt[4];
    private int count;
    private boolean sentFirst;

    private Launches(TurnRun turn, Launches outer) {
        this.turn = turn;
        this.outer = outer;
    }

    /**
     * Opens a scope for the turn's attempts on this thread, unless the innermost scope open on it is the turn's own
     * (a pass that a call's end started inside another pass of its turn): then its attempts join that scope, launched
     * when it closes, its first one included.
     *
     * @return the scope to close, or null when there is none to close
     */
    static Launches open(TurnRun turn) {
        if (!turn.scheduler.fansOut()) {
            return null;
        }
        Launches current = OPEN.get();
        if (current != null && current.turn == turn) {
            return null;
        }
        Launches scope = new Launches(turn, current);
        OPEN.set(scope);
        return scope;
    }

    /**
     * Takes an attempt that is to go to a tool thread, if a scope for its turn is open on this thread: the scope's
     * first is submitted at once, the others when the scope closes.
     *
     * @return whether the scope took it (and it must not be submitted)
     */
    static boolean offer(Attempt attempt) {
        Launches scope = OPEN.get();
        if (scope == null || scope.turn != attempt.turn) {
            return false;
        }
        if (!scope.sentFirst) {
            scope.sentFirst = true;
            attempt.submitAfterAll(attempt);
            return true;
        }
        if (scope.count == scope.held.length) {
            scope.held = Arrays.copyOf(scope.held, scope.count * 2);
        }
        scope.held[scope.count++] = attempt;
        return true;
    }

    /**
     * Closes the scope (on the thread that opened it) and launches what it collected. Each collected attempt holds
     * its locks and slots already, so every one is launched even if answering one that the executor refused throws
     * (a user's listener, say): the first such exception is rethrown afterwards.
     */
    void close() {
        OPEN.set(outer); // even null, not remove(): the thread's next turn finds its entry (see ToolCallContext)
        if (count == 1) {
            held[0].submitAfterAll(held[0]);
        } else if (count > 1) {
            Fan fan = new Fan(Arrays.copyOf(held, count));
            Throwable failure = null;
            while (true) {
                try {
                    if (!fan.launchNext()) {
                        break; // this thread launches until none is left; each task launched helps (Task)
                    }
                } catch (RuntimeException | Error e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            }
        }
    }

    /** One launch: its attempts, and the index of the next to hand out. */
    private static final class Fan {
        private final Attempt[] attempts;
        private final AtomicInteger next = new AtomicInteger();

        Fan(Attempt[] attempts) {
            this.attempts = attempts;
        }

        /** @return whether an attempt was left to launch (and was launched, or failed as refused) */
        boolean launchNext() {
            int i = next.getAndIncrement();
            if (i >= attempts.length) {
                return false;
            }
            attempts[i].submitAfterAll(new Task(this, attempts[i]));
            return true;
        }
    }

    /**
     * On a tool thread: launches up to {@link #FAN_OUT} more of its fan's attempts, then runs its own, which it runs
     * even if a launch threw (the attempts it did not launch are the closing thread's, which launches until none is
     * left).
     */
    private record Task(Fan fan, Attempt attempt) implements Runnable {
        @Override
        public void run() {
            try {
                for (int i = 0; i < FAN_OUT && fan.launchNext(); i++) {
                    // each launch wakes one more thread, which helps in turn
                }
            } finally {
                attempt.run();
            }
        }
    }
}
