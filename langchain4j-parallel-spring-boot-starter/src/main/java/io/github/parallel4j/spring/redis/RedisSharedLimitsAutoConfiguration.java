package io.github.parallel4j.spring.redis;

import io.github.parallel4j.redis.RedisSharedLimits;
import io.github.parallel4j.spring.ParallelToolsCustomizer;
import org.redisson.api.RedissonClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * With {@code parallel-tools.shared-limits.redis.enabled=true}, {@code langchain4j-parallel-redis} on the class
 * path and a {@link RedissonClient} bean, makes a {@link RedisSharedLimits} from the
 * {@code parallel-tools.shared-limits.redis.*} properties and gives it to the application's {@code ParallelTools}
 * (through a {@link ParallelToolsCustomizer}). To build it yourself, define your own {@code RedisSharedLimits} bean
 * and keep {@code parallel-tools.shared-limits.redis.enabled=true}: this auto-configuration (which hands the bean
 * to {@code ParallelTools}) applies only with that property.
 */
@AutoConfiguration(afterName = {"org.redisson.spring.starter.RedissonAutoConfigurationV2",
        "org.redisson.spring.starter.RedissonAutoConfiguration"})
@ConditionalOnClass({RedisSharedLimits.class, RedissonClient.class})
@ConditionalOnProperty(prefix = "parallel-tools.shared-limits.redis", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(RedisSharedLimitsProperties.class)
public class RedisSharedLimitsAutoConfiguration {

    /**
     * @param redisson the application's client
     * @param properties the {@code parallel-tools.shared-limits.redis.*} properties
     * @return the shared limits
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RedissonClient.class)
    public RedisSharedLimits redisSharedLimits(RedissonClient redisson, RedisSharedLimitsProperties properties) {
        RedisSharedLimits.Builder builder = RedisSharedLimits.builder(redisson);
        if (properties.getNamespace() != null) {
            builder.namespace(properties.getNamespace());
        }
        if (properties.getLeaseMargin() != null) {
            builder.leaseMargin(properties.getLeaseMargin());
        }
        if (properties.getTimeout() != null) {
            builder.timeout(properties.getTimeout());
        }
        if (properties.getOnFailure() != null) {
            builder.onFailure(properties.getOnFailure());
        }
        if (properties.getKeyedWrites() != null) {
            builder.keyedWrites(properties.getKeyedWrites());
        }
        return builder.build();
    }

    /**
     * @param sharedLimits the shared limits
     * @return gives them to the application's {@code ParallelTools}
     */
    @Bean
    @ConditionalOnBean(RedisSharedLimits.class)
    public ParallelToolsCustomizer redisSharedLimitsCustomizer(RedisSharedLimits sharedLimits) {
        return builder -> builder.sharedLimits(sharedLimits);
    }
}
