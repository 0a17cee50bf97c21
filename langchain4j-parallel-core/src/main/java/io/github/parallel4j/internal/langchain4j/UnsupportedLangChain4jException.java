package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.Internal;

/**
 * Thrown at start-up (by {@code ParallelTools.builder()} and by the Spring Boot starter) when the LangChain4j on
 * the class path is older than the oldest version this library supports, instead of a {@code NoClassDefFoundError}
 * in the middle of a conversation.
 *
 * <p>The usual cause is Maven's nearest-wins: another dependency (for instance {@code langchain4j-spring-boot-starter})
 * brings an older {@code dev.langchain4j:langchain4j} nearer to the application than this library's. The message
 * names the artifact, the version found, and the fix:
 *
 * <pre>{@code
 * <dependencyManagement>
 *   <dependencies>
 *     <dependency>
 *       <groupId>io.github.parallel4j</groupId>
 *       <artifactId>langchain4j-parallel-bom</artifactId>
 *       <version>...</version>
 *       <type>pom</type>
 *       <scope>import</scope>
 *     </dependency>
 *   </dependencies>
 * </dependencyManagement>
 * }</pre>
 *
 * <p>Internal: to users it is an {@link IllegalStateException} with that message; it is a type of its own only so
 * that the Spring Boot starter's failure analyzer can recognise it and read its parts.
 */
@Internal
public final class UnsupportedLangChain4jException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String artifact;
    private final String found;
    private final String oldestSupported;

    UnsupportedLangChain4jException(String artifact, String found, String oldestSupported, String message) {
        super(message);
        this.artifact = artifact;
        this.found = found;
        this.oldestSupported = oldestSupported;
    }

    /** @return the LangChain4j artifact that is too old, e.g. {@code dev.langchain4j:langchain4j} */
    public String artifact() {
        return artifact;
    }

    /** @return the version of it on the class path */
    public String found() {
        return found;
    }

    /** @return the oldest version this library supports */
    public String oldestSupported() {
        return oldestSupported;
    }
}
