package io.github.parallel4j.spring.aiservice;

import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.internal.langchain4j.LangChain4jVersion;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Zero code for LangChain4j's {@code @AiService}: installs {@link AiServicesPostProcessor}, which makes every
 * {@code @AiService} bean run its tools through the application's {@link ParallelTools}. Runs after LangChain4j's
 * own auto-configuration, whose bean factory post-processor creates the {@code @AiService} bean definitions
 * this one rewrites.
 */
@AutoConfiguration(afterName = "dev.langchain4j.spring.LangChain4jAutoConfig")
@ConditionalOnClass(name = "dev.langchain4j.service.spring.AiService", value = ParallelTools.class)
@ConditionalOnProperty(prefix = "parallel-tools", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ParallelToolsAiServicesAutoConfiguration {

    /**
     * Static, as bean factory post-processors must be, so that it is created before any other bean.
     *
     * <p>It is also the first of the library's beans to be made, so it checks the LangChain4j on the class path
     * before anything links against it: an older one fails start-up with the version found and the fix, not with a
     * {@code NoClassDefFoundError} while the {@code @AiService} beans are built.
     *
     * @param environment to read {@code parallel-tools.fail-if-unsupported}
     * @return the post-processor
     * @throws IllegalStateException when LangChain4j is older than supported
     */
    @Bean
    public static AiServicesPostProcessor parallelToolsAiServicesPostProcessor(Environment environment) {
        LangChain4jVersion.requireSupported();
        return new AiServicesPostProcessor(
                environment.getProperty("parallel-tools.fail-if-unsupported", Boolean.class, true));
    }
}
