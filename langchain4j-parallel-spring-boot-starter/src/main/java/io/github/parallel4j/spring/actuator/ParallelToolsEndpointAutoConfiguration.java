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

/** The {@code paralleltools} Actuator endpoint, when Actuator is present and the endpoint is available. */
@AutoConfiguration(after = ParallelToolsAutoConfiguration.class)
@ConditionalOnClass({ParallelTools.class, Endpoint.class})
@ConditionalOnAvailableEndpoint(endpoint = ParallelToolsEndpoint.class)
public class ParallelToolsEndpointAutoConfiguration {

    /**
     * @param parallelTools the instance to describe
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ParallelTools.class)
    public ParallelToolsEndpoint parallelToolsEndpoint(ParallelTools parallelTools) {
        return new ParallelToolsEndpoint(parallelTools);
    }
}
