package io.github.parallel4j.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void should_count_a_saturated_deadline_as_far_away_when_the_ticker_reads_negative() {
        assertThat(Durations.remaining(Long.MAX_VALUE, -5)).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.remaining(Long.MIN_VALUE + 1, 10)).isZero();
    }

    @Test
    void should_give_the_time_left_and_zero_once_the_deadline_has_passed() {
        assertThat(Durations.remaining(100, 40)).isEqualTo(60);
        assertThat(Durations.remaining(-100, -40)).isZero();
    }
}
