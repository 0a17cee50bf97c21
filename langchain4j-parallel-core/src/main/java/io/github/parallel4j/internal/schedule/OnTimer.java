package io.github.parallel4j.internal.schedule;

/**
 * Marks the library's own steps on the shared timer. The timer serves every turn in the JVM, so no user callback
 * may run there: a turn that ends on it (its budget ran out) hands the completion its listeners wait on to the
 * tool executor instead ({@link TurnRun}).
 */
final class OnTimer {

    /** Set while one of a turn's timer tasks runs on this thread. */
    private static final ThreadLocal<Boolean> ON_TIMER = new ThreadLocal<>();

    private OnTimer() {}

    /**
     * @param task a step of the library's own
     * @return the step, marked as running on the timer while it runs
     */
    static Runnable mark(Runnable task) {
        return () -> {
            ON_TIMER.set(Boolean.TRUE);
            try {
                task.run();
            } finally {
                ON_TIMER.remove();
            }
        };
    }

    /** @return whether this thread runs a marked step now */
    static boolean isCurrent() {
        return ON_TIMER.get() != null;
    }
}
