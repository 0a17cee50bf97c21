package io.github.parallel4j.spring.aiservice;

import dev.langchain4j.service.spring.AiService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.PropertyValue;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.util.ClassUtils;

/**
 * Makes every {@code @AiService} bean run its tools through langchain4j-parallel: after LangChain4j's Spring
 * Boot starter has turned each {@code @AiService} interface into a bean built by its {@code AiServiceFactory},
 * this replaces that factory with {@link ParallelAiServiceFactory}, which takes the same properties.
 *
 * <p>When an {@code @AiService} bean is not in the expected shape (another factory class, a property this
 * library does not know, or not yet processed by LangChain4j), start-up fails with a message saying so; with
 * {@code parallel-tools.fail-if-unsupported=false}, a warning says parallel execution is inactive for that AI
 * service instead. It is never silently left sequential.
 */
public class AiServicesPostProcessor implements BeanFactoryPostProcessor {

    /** The class LangChain4j's starter builds {@code @AiService} beans with. */
    static final String LANGCHAIN4J_FACTORY = "dev.langchain4j.service.spring.AiServiceFactory";

    private static final Logger log = LoggerFactory.getLogger(AiServicesPostProcessor.class);

    private final boolean failIfUnsupported;
    private final List<String> wrapped = new ArrayList<>();

    /**
     * @param failIfUnsupported whether an unsupported {@code @AiService} bean fails start-up (else: a warning)
     */
    public AiServicesPostProcessor(boolean failIfUnsupported) {
        this.failIfUnsupported = failIfUnsupported;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        ClassLoader loader = beanFactory.getBeanClassLoader();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            BeanDefinition definition = beanFactory.getBeanDefinition(name);
            String className = definition.getBeanClassName();
            if (LANGCHAIN4J_FACTORY.equals(className)) {
                replaceFactory(name, definition);
                continue;
            }
            Class<?> aiService = aiServiceIn(definition, loader);
            if (aiService != null) {
                unsupported(name, aiService, className == null
                        ? "it is not built by " + LANGCHAIN4J_FACTORY
                        : aiService.getName().equals(className)
                                ? "LangChain4j's starter has not turned it into an AiServiceFactory bean yet (is its"
                                        + " auto-configuration, dev.langchain4j.spring.LangChain4jAutoConfig, active?)"
                                : "it is built by " + className + ", not by " + LANGCHAIN4J_FACTORY);
            }
        }
        if (!wrapped.isEmpty()) {
            log.info("langchain4j-parallel runs the tools of @AiService beans {}", wrapped);
        }
    }

    private void replaceFactory(String name, BeanDefinition definition) {
        Class<?> aiService = aiServiceIn(definition, null);
        Set<String> unknown = new TreeSet<>();
        for (PropertyValue value : definition.getPropertyValues().getPropertyValues()) {
            if (!ParallelAiServiceFactory.PROPERTIES.contains(value.getName())) {
                unknown.add(value.getName());
            }
        }
        if (!unknown.isEmpty()) {
            unsupported(name, aiService, "its factory has properties this version of langchain4j-parallel does not"
                    + " know: " + unknown);
            return;
        }
        if (!(definition instanceof AbstractBeanDefinition abstractDefinition)) {
            unsupported(name, aiService, "its bean definition is a " + definition.getClass().getName());
            return;
        }
        abstractDefinition.setBeanClass(ParallelAiServiceFactory.class);
        wrapped.add(name);
    }

    private void unsupported(String name, Class<?> aiService, String why) {
        String service = aiService == null ? "" : " (" + aiService.getName() + ")";
        if (failIfUnsupported) {
            throw new IllegalStateException("langchain4j-parallel cannot install itself on the @AiService bean '"
                    + name + "'" + service + ": " + why + ". This langchain4j-spring-boot-starter version is not"
                    + " supported (tested: 1.12.2-beta22). Build that AI service with ParallelTools.install(...)"
                    + " yourself, or set parallel-tools.fail-if-unsupported=false to start with its tools running"
                    + " the LangChain4j way.");
        }
        log.warn("Parallel tool execution is INACTIVE for the @AiService bean '{}'{}: {}. Its tools run the"
                + " LangChain4j way (parallel-tools.fail-if-unsupported=false).", name, service, why);
    }

    /** The {@code @AiService} interface a bean definition is for, if any: its class or a constructor argument. */
    private static Class<?> aiServiceIn(BeanDefinition definition, ClassLoader loader) {
        Class<?> own = loader == null ? null : load(definition.getBeanClassName(), loader);
        if (own != null && own.isAnnotationPresent(AiService.class)) {
            return own;
        }
        ConstructorArgumentValues arguments = definition.getConstructorArgumentValues();
        List<ConstructorArgumentValues.ValueHolder> values = new ArrayList<>(arguments.getGenericArgumentValues());
        values.addAll(arguments.getIndexedArgumentValues().values());
        for (ConstructorArgumentValues.ValueHolder holder : values) {
            if (holder.getValue() instanceof Class<?> type && type.isAnnotationPresent(AiService.class)) {
                return type;
            }
        }
        return null;
    }

    private static Class<?> load(String className, ClassLoader loader) {
        if (className == null) {
            return null;
        }
        try {
            return ClassUtils.forName(className, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
