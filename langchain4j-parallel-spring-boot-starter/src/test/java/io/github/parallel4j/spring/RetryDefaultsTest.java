package io.github.parallel4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.annotation.Retry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A retry configured by property and one configured by {@code @Retry} behave the same when nothing is set. */
class RetryDefaultsTest {

    @Test
    void should_default_like_the_retry_annotation_when_no_retry_property_is_set() throws Exception {
        RetryProperties property = new RetryProperties();

        assertThat(property.isSet()).isFalse();

        assertThat(property.maxAttemptsOrDefault()).isEqualTo(Retry.class.getMethod("maxAttempts").getDefaultValue());
        assertThat(property.initialBackoffOrDefault())
                .isEqualTo(Duration.ofMillis((Long) Retry.class.getMethod("backoffMillis").getDefaultValue()));
        assertThat(property.maxBackoffOrDefault())
                .isEqualTo(Duration.ofMillis((Long) Retry.class.getMethod("maxBackoffMillis").getDefaultValue()));
    }
}
