package io.github.parallel4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.Bandwidth;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntegrationLimitsTest {

    @Test
    void should_read_back_every_rate_as_a_greedy_bandwidth_in_the_order_given_when_built() {
        Bandwidth interval = Bandwidth.builder().capacity(10).refillIntervally(5, Duration.ofSeconds(1)).build();
        IntegrationLimits limits = IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).bandwidth(interval)
                .rate(100, Duration.ofMinutes(1)).perKeyRate(2, Duration.ofSeconds(1)).build();

        assertThat(limits.bandwidths()).hasSize(3);
        Bandwidth first = limits.bandwidths().get(0);
        assertThat(first.getCapacity()).isEqualTo(5);
        assertThat(first.getRefillTokens()).isEqualTo(5);
        assertThat(first.getRefillPeriodNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(first.getInitialTokens()).as("full at start").isEqualTo(5);
        assertThat(first.isRefillIntervally()).as("refilled greedily").isFalse();
        assertThat(limits.bandwidths().get(1)).isSameAs(interval);
        assertThat(limits.bandwidths().get(2).getCapacity()).isEqualTo(100);
        assertThat(limits.perKeyBandwidths()).singleElement()
                .satisfies(b -> assertThat(b.getCapacity()).isEqualTo(2));

        assertThat(limits).isEqualTo(IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).bandwidth(interval)
                .rate(100, Duration.ofMinutes(1)).perKeyRate(2, Duration.ofSeconds(1)).build());
        assertThat(limits.toString()).contains("5 per PT1S", "5 per PT1S, up to 10 at once", "100 per PT1M",
                "perKeyRates=[2 per PT1S]");
    }

    @Test
    void should_be_equal_whatever_the_order_of_its_bandwidths_when_they_limit_the_same() {
        Bandwidth interval = Bandwidth.builder().capacity(10).refillIntervally(5, Duration.ofSeconds(1)).build();
        Bandwidth greedy = Bandwidth.builder().capacity(5).refillGreedy(5, Duration.ofSeconds(1)).initialTokens(5)
                .build();
        IntegrationLimits rateFirst = IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).bandwidth(interval)
                .perKeyRate(1, Duration.ofSeconds(1)).perKeyRate(2, Duration.ofMinutes(1)).build();
        IntegrationLimits bandwidthFirst = IntegrationLimits.builder().bandwidth(interval).bandwidth(greedy)
                .perKeyRate(2, Duration.ofMinutes(1)).perKeyRate(1, Duration.ofSeconds(1)).build();

        assertThat(rateFirst).isEqualTo(bandwidthFirst).hasSameHashCodeAs(bandwidthFirst);
        assertThat(rateFirst.bandwidths()).as("read back in the order given").containsExactly(greedy, interval);
        assertThat(IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).rate(5, Duration.ofSeconds(1)).build())
                .as("a bandwidth given twice is not the same as once")
                .isNotEqualTo(IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).build());
        assertThat(IntegrationLimits.builder().rate(5, Duration.ofSeconds(1)).build())
                .as("shared and per-key rates are not interchangeable")
                .isNotEqualTo(IntegrationLimits.builder().perKeyRate(5, Duration.ofSeconds(1)).build());
        assertThat(IntegrationLimits.builder().maxConcurrent(2).build())
                .isNotEqualTo(IntegrationLimits.builder().maxConcurrent(3).build());
    }

    @Test
    void should_say_what_differs_from_a_plain_rate_when_describing_a_bandwidth() {
        Bandwidth burst = Bandwidth.builder().capacity(10).refillGreedy(5, Duration.ofSeconds(1)).build();
        Bandwidth interval = Bandwidth.builder().capacity(5).refillIntervally(5, Duration.ofSeconds(1))
                .initialTokens(0).id("cold").build();

        String text = IntegrationLimits.builder().maxConcurrent(2).rate(5, Duration.ofSeconds(1)).bandwidth(burst)
                .bandwidth(interval).build().toString();

        assertThat(text).isEqualTo("IntegrationLimits{maxConcurrent=2, rates=[5 per PT1S; 5 per PT1S, up to 10 at"
                + " once; 5 per PT1S, refilled all at once each period, starts with 0, id 'cold'], perKeyRates=[]}");
    }

    @Test
    void should_name_the_bad_value_when_a_rate_is_refused() {
        assertThatThrownBy(() -> IntegrationLimits.builder().rate(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 permit, was 0");
        assertThatThrownBy(() -> IntegrationLimits.builder().perKeyRate(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive, was PT0S");
        assertThatThrownBy(() -> IntegrationLimits.builder().rate(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was PT-1S");
    }
}
