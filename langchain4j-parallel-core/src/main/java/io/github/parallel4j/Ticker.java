package io.github.parallel4j;

/**
 * A source of nanosecond time, injected so that tests can move time by hand instead of sleeping.
 *
 * <p>Only differences between two readings mean anything, as with {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {

    /**
     * Reads the current time.
     *
     * @return nanoseconds since an arbitrary origin
     */
    long read();

    /**
     * The system's monotonic clock.
     *
     * @return a ticker backed by {@link System#nanoTime()}
     */
    static Ticker system() {
        return System::nanoTime;
    }
}
