package io.github.parallel4j.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * When this tool's call fails, the turn's unfinished calls are cancelled ({@code CANCELLED}) and none starts
 * afterwards. For tightly coupled steps (charge, then ship) where the rest is pointless once one fails.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface FailFast {}
