package io.github.parallel4j.spring;

import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ContextPropagator;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ParallelToolsBuilder;
import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnObserver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Builds the application's {@link ParallelTools} from the {@code parallel-tools.*} properties, then every
 * {@link ParallelToolsCustomizer}; registers every {@link TurnListener}, {@link TurnObserver} and
 * {@link ContextPropagator} bean on it, and counts {@code max-observation-tokens} with the
 * {@link TokenCountEstimator} bean. Backs
 * off when the application defines its own {@code ParallelTools} bean, and when {@code parallel-tools.enabled} is
 * false.
 */
@AutoConfiguration
@ConditionalOnClass({ParallelTools.class, AiServices.class})
@ConditionalOnProperty(prefix = "parallel-tools", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ParallelToolsProperties.class)
public class ParallelToolsAutoConfiguration {

    /**
     * @param properties the {@code parallel-tools.*} properties
     * @param customizers applied after the properties, in order
     * @param listeners told about every finished turn
     * @param observers follow turns and calls as they run
     * @param propagators carry thread-bound context to tool threads
     * @param tokens counts the tokens of {@code max-observation-tokens}
     * @return the instance every {@code @AiService} uses
     */
    @Bean
    @ConditionalOnMissingBean
    public ParallelTools parallelTools(ParallelToolsProperties properties,
            ObjectProvider<ParallelToolsCustomizer> customizers, ObjectProvider<TurnListener> listeners,
            ObjectProvider<TurnObserver> observers, ObjectProvider<ContextPropagator> propagators,
            ObjectProvider<TokenCountEstimator> tokens) {
        ParallelToolsBuilder<ParallelTools> builder = ParallelTools.builder();
        PropertiesApplier.apply(properties, tokens.getIfUnique(), builder);
        listeners.orderedStream().forEach(builder::turnListener);
        observers.orderedStream().forEach(builder::turnObserver);
        propagators.orderedStream().forEach(builder::contextPropagator);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }
}
