package io.github.parallel4j.spring.actuator;

import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.spring.ParallelToolsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code paralleltools} Actuator endpoint, when Actuator is present and the endpoint is available (enabled,
 * and exposed: {@code management.endpoints.web.exposure.include=paralleltools}).
 */
@AutoConfiguration(after = ParallelToolsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint",
        value = ParallelTools.class)
public class ParallelToolsEndpointAutoConfiguration {

    /** Nested, so that the Actuator condition is only read when Actuator is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = ParallelToolsEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ParallelTools.class)
        ParallelToolsEndpoint parallelToolsEndpoint(ParallelTools parallelTools) {
            return new ParallelToolsEndpoint(parallelTools);
        }
    }
}
