package io.github.parallel4j.spring.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.redis.RedisSharedLimits;
import io.github.parallel4j.spring.ParallelToolsAutoConfiguration;
import io.github.parallel4j.spring.actuator.ParallelToolsEndpoint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code parallel-tools.shared-limits.redis.*}: on only when enabled and a RedissonClient bean is there. */
class RedisSharedLimitsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelToolsAutoConfiguration.class,
                    RedisSharedLimitsAutoConfiguration.class));

    private static RedissonClient redisson() {
        return mock(Redisson.class); // nothing is asked of Redis until a call runs
    }

    @Test
    void should_share_the_limits_through_the_applications_redisson_client_when_enabled() {
        runner.withBean(RedissonClient.class, RedisSharedLimitsAutoConfigurationTest::redisson)
                .withPropertyValues("parallel-tools.shared-limits.redis.enabled=true",
                        "parallel-tools.shared-limits.redis.namespace=triage",
                        "parallel-tools.shared-limits.redis.lease-margin=2s",
                        "parallel-tools.shared-limits.redis.timeout=250ms",
                        "parallel-tools.shared-limits.redis.on-failure=refuse",
                        "parallel-tools.shared-limits.redis.keyed-writes=true")
                .run(context -> {
                    SharedLimits shared = context.getBean(ParallelTools.class).config().sharedLimits().orElseThrow();
                    assertThat(shared).isSameAs(context.getBean(RedisSharedLimits.class));
                    RedisSharedLimits redis = (RedisSharedLimits) shared;
                    assertThat(redis.namespace()).isEqualTo("triage");
                    assertThat(redis.leaseMargin()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(redis.timeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(redis.onFailure()).isEqualTo(SharedLimits.OnFailure.REFUSE);
                    assertThat(redis.sharesKeyedWrites()).isTrue();
                });
    }

    @Test
    void should_keep_the_defaults_when_properties_are_unset() {
        runner.withBean(RedissonClient.class, RedisSharedLimitsAutoConfigurationTest::redisson)
                .withPropertyValues("parallel-tools.shared-limits.redis.enabled=true")
                .run(context -> {
                    RedisSharedLimits redis = context.getBean(RedisSharedLimits.class);
                    RedisSharedLimits defaults = RedisSharedLimits.builder(redisson()).build();
                    assertThat(redis.namespace()).isEqualTo(defaults.namespace());
                    assertThat(redis.leaseMargin()).isEqualTo(defaults.leaseMargin());
                    assertThat(redis.timeout()).isEqualTo(defaults.timeout());
                    assertThat(redis.onFailure()).isEqualTo(SharedLimits.OnFailure.FALLBACK);
                    assertThat(redis.sharesKeyedWrites()).isFalse();
                });
    }

    @Test
    void should_keep_every_limit_in_the_jvm_when_not_enabled_or_without_a_redisson_client() {
        runner.withBean(RedissonClient.class, RedisSharedLimitsAutoConfigurationTest::redisson)
                .run(context -> assertThat(context.getBean(ParallelTools.class).config().sharedLimits()).isEmpty());
        runner.withPropertyValues("parallel-tools.shared-limits.redis.enabled=true")
                .run(context -> assertThat(context.getBean(ParallelTools.class).config().sharedLimits()).isEmpty());
        runner.withClassLoader(new FilteredClassLoader(RedisSharedLimits.class))
                .withBean(RedissonClient.class, RedisSharedLimitsAutoConfigurationTest::redisson)
                .withPropertyValues("parallel-tools.shared-limits.redis.enabled=true")
                .run(context -> assertThat(context.getBean(ParallelTools.class).config().sharedLimits()).isEmpty());
    }

    @Test
    void should_show_the_shared_limits_when_the_endpoint_is_read() {
        ParallelTools parallel = ParallelTools.builder()
                .integration("vendor", IntegrationLimits.builder().maxConcurrent(3).build())
                .sharedLimits(SharedLimits.inJvm()).build();

        ParallelToolsEndpoint.SharedLimitsDescription shared = new ParallelToolsEndpoint(parallel).report()
                .sharedLimits();

        assertThat(shared.backend()).isEqualTo("in-jvm");
        assertThat(shared.available()).isTrue();
        assertThat(shared.fallbacks()).isZero();
        assertThat(shared.inFlight()).isEqualTo(Map.of("vendor", 0));
        assertThat(new ParallelToolsEndpoint(ParallelTools.builder().build()).report().sharedLimits()).isNull();
    }
}
