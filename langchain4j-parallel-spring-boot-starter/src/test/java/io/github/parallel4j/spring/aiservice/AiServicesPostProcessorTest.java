package io.github.parallel4j.spring.aiservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.service.spring.AiService;
import io.github.parallel4j.spring.ParallelToolsAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.GenericBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** An {@code @AiService} bean in a shape this library does not know: a clear failure, or a loud warning. */
@ExtendWith(OutputCaptureExtension.class)
class AiServicesPostProcessorTest {

    @AiService
    interface Assistant {
        String chat(String message);
    }

    /** What a future LangChain4j starter might build @AiService beans with. */
    static class OtherFactory implements FactoryBean<Assistant> {
        OtherFactory(Class<?> type) {}

        @Override
        public Assistant getObject() {
            return message -> "hello";
        }

        @Override
        public Class<?> getObjectType() {
            return Assistant.class;
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelToolsAutoConfiguration.class,
                    ParallelToolsAiServicesAutoConfiguration.class));

    private static ApplicationContextInitializer<ConfigurableApplicationContext> register(GenericBeanDefinition definition) {
        return context -> ((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition("assistant", definition);
    }

    private static GenericBeanDefinition builtBy(String factoryClassName) {
        GenericBeanDefinition definition = new GenericBeanDefinition();
        definition.setBeanClassName(factoryClassName);
        definition.getConstructorArgumentValues().addGenericArgumentValue(Assistant.class);
        return definition;
    }

    @Test
    void should_fail_start_up_saying_why_when_langchain4js_factory_has_an_unknown_property() {
        GenericBeanDefinition definition = builtBy(AiServicesPostProcessor.LANGCHAIN4J_FACTORY);
        definition.getPropertyValues().add("toolExecutionErrorHandler", "x");
        runner.withInitializer(register(definition)).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("'assistant'")
                    .hasMessageContaining(Assistant.class.getName())
                    .hasMessageContaining("[toolExecutionErrorHandler]")
                    .hasMessageContaining("parallel-tools.fail-if-unsupported=false");
        });
    }

    @Test
    void should_fail_start_up_or_warn_with_the_switch_off_when_another_factory_builds_the_ai_service(CapturedOutput output) {
        runner.withInitializer(register(builtBy(OtherFactory.class.getName()))).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("it is built by " + OtherFactory.class.getName());
        });
        runner.withInitializer(register(builtBy(OtherFactory.class.getName())))
                .withPropertyValues("parallel-tools.fail-if-unsupported=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Assistant.class).chat("hi")).isEqualTo("hello");
                    assertThat(output).contains("Parallel tool execution is INACTIVE for the @AiService bean 'assistant'");
                });
    }

    @Test
    void should_fail_start_up_when_langchain4j_did_not_process_an_ai_service() {
        GenericBeanDefinition definition = new GenericBeanDefinition();
        definition.setBeanClass(Assistant.class);
        runner.withInitializer(register(definition)).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("has not turned it into an AiServiceFactory bean");
        });
    }
}
