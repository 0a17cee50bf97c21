package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the external system a tool talks to ({@code "jira"}, {@code "datadog"}), so that the integration's
 * concurrency cap and rate limit apply to it.
 *
 * <p>On a class it applies to every {@code @Tool} method of the class; on a method it overrides the class.
 * Limits are configured by the same name with
 * {@link io.github.parallel4j.ParallelToolsBuilder#integration(String, io.github.parallel4j.IntegrationLimits)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Integration {

    /**
     * The integration's name.
     *
     * @return the name, not blank
     */
    String value();
}
