package io.github.parallel4j.spring.micrometer;

import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.spring.ParallelToolsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Observations and metrics with Micrometer, when it is on the classpath and
 * {@code parallel-tools.observations.enabled} is not false: a {@link MicrometerTurnObserver} on the application's
 * {@code ObservationRegistry} and {@code MeterRegistry} (whichever exist), and the {@link ParallelToolsGauges}.
 */
@AutoConfiguration(before = ParallelToolsAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({ParallelTools.class, ObservationRegistry.class, MeterRegistry.class})
@ConditionalOnProperty(prefix = "parallel-tools", name = {"enabled", "observations.enabled"}, havingValue = "true",
        matchIfMissing = true)
public class ParallelToolsObservationAutoConfiguration {

    /**
     * @param observations the application's observation registry, if any
     * @param meters the application's meter registry, if any
     * @return the observer the auto-configured {@code ParallelTools} reports to
     */
    @Bean
    @ConditionalOnMissingBean
    public MicrometerTurnObserver parallelToolsTurnObserver(ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<MeterRegistry> meters) {
        return new MicrometerTurnObserver(observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                meters.getIfAvailable());
    }

    /**
     * @param parallelTools the instance to watch
     * @return its gauges
     */
    @Bean
    @ConditionalOnMissingBean
    public ParallelToolsGauges parallelToolsGauges(ObjectProvider<ParallelTools> parallelTools) {
        return new ParallelToolsGauges(parallelTools::getIfAvailable);
    }
}
