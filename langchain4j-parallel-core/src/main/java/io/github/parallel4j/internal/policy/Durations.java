package io.github.parallel4j.internal.policy;

import io.github.parallel4j.internal.Internal;
import java.time.Duration;

/**
 * Every conversion of a {@link Duration} to nanoseconds or milliseconds in the library, in one place, so that no
 * setting and no value from a tool can overflow: {@link Duration#toNanos()} throws for anything past about 292
 * years, and sums of nanosecond ticks wrap around. Public because every package of the library uses it; its
 * constants are documented limits of the builder.
 *
 * <p>Two rules. Settings (budgets, timeouts, backoffs, rate periods, cache and keep times) are checked when they
 * are given with {@link #requireRepresentable}, so that a build refuses what the library could not wait for and
 * names the setting. Values that arrive while running (a retry-after from an upstream) are saturated by
 * {@link #nanos} and {@link #deadline}, and the caller decides what an absurdly long wait means.
 */
@Internal
public final class Durations {

    /** The longest duration a nanosecond clock can hold: about 292 years. */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * The default of {@code ParallelToolsBuilder.maxRetryAfter}: the longest an upstream's retry-after is waited
     * for. A longer one (a misparsed header, {@code Long.MAX_VALUE} seconds) answers the call {@code RATE_LIMITED}
     * at once and pauses its integration for this long only, so that one bad header cannot hang a call or stop
     * an integration for everyone.
     */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private Durations() {}

    /**
     * Checks a setting that the library will convert to nanoseconds.
     *
     * @param setting the setting's name, for the message ({@code "turnTimeout"})
     * @param value the value, not null
     * @return the value
     * @throws IllegalArgumentException when it is longer than {@link #MAX}
     */
    public static Duration requireRepresentable(String setting, Duration value) {
        if (value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(setting + " must be at most " + MAX.toDays() + " days (the longest "
                    + "a nanosecond clock can count), was " + value);
        }
        return value;
    }

    /**
     * @param d a duration, not null
     * @return its nanoseconds, saturated to {@link Long#MAX_VALUE} (or {@link Long#MIN_VALUE} when negative)
     */
    public static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * @param d a duration, not null
     * @return its milliseconds, saturated to {@link Long#MAX_VALUE} (or {@link Long#MIN_VALUE} when negative)
     */
    public static long millis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * A deadline on a nanosecond ticker: {@code now + nanos}, or {@link Long#MAX_VALUE} (no deadline) when the sum
     * would not fit.
     *
     * @param now a ticker reading
     * @param nanos a non-negative delay
     * @return the deadline
     */
    public static long deadline(long now, long nanos) {
        long sum = now + nanos;
        return ((now ^ sum) & (nanos ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * Whether waiting {@code nanos} from {@code now} would end after {@code deadline}, without overflowing.
     *
     * @param now a ticker reading
     * @param nanos a non-negative wait
     * @param deadline a deadline on the same ticker, or {@link Long#MAX_VALUE} for none
     * @return true when the wait ends past the deadline
     */
    public static boolean endsAfter(long now, long nanos, long deadline) {
        if (deadline == Long.MAX_VALUE) {
            return false;
        }
        long remaining = deadline - now;
        return remaining < 0 || nanos > remaining;
    }

    /**
     * The time left until a deadline, without overflowing: a saturated deadline read from a negative ticker is
     * still far away, not past.
     *
     * @param deadline a deadline on a ticker, possibly {@link Long#MAX_VALUE}
     * @param now a reading of the same ticker
     * @return the nanoseconds left, 0 when it has passed, {@link Long#MAX_VALUE} when they do not fit
     */
    public static long remaining(long deadline, long now) {
        long left = deadline - now;
        if (((deadline ^ now) & (deadline ^ left)) < 0) {
            return deadline > now ? Long.MAX_VALUE : 0; // the difference overflowed
        }
        return Math.max(0, left);
    }

    /**
     * Twice a non-negative number of nanoseconds, saturated.
     *
     * @param nanos non-negative
     * @return {@code 2 * nanos}, at most {@link Long#MAX_VALUE}
     */
    public static long doubled(long nanos) {
        return nanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nanos * 2;
    }

    /**
     * A duration as people read it in an observation: "800 ms", "30 s", "2 h".
     *
     * @param d a duration, not null
     * @return the text
     */
    public static String format(Duration d) {
        if (d.compareTo(Duration.ofDays(1)) >= 0) {
            return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        }
        long ms = d.toMillis(); // under a day: fits
        return ms % 1000 == 0 ? d.toSeconds() + " s" : ms + " ms";
    }
}
