package io.github.parallel4j.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that is public only so that another stage package of the library can use it: not part of the API
 * (docs/guide.md, "Public API"), free to change or go in any release, and not to be used by applications. Every public
 * type under {@code io.github.parallel4j.internal} carries it (a test checks), so that an IDE, javadoc and a reader
 * of the class all say so where the package name might be missed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Internal
public @interface Internal {}
