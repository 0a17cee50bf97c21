package io.github.parallel4j.spring;

import io.github.parallel4j.internal.langchain4j.LangChain4jVersion;
import io.github.parallel4j.internal.langchain4j.UnsupportedLangChain4jException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up that failed on too old a LangChain4j into Spring Boot's "APPLICATION FAILED TO START" report: what
 * was found, and the {@code dependencyManagement} to add. Registered in {@code META-INF/spring.factories}.
 */
class UnsupportedLangChain4jFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedLangChain4jException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedLangChain4jException cause) {
        String description = "langchain4j-parallel needs LangChain4j " + cause.oldestSupported()
                + " or newer, but " + cause.artifact() + " " + cause.found() + " is on the class path"
                + " (another dependency, such as langchain4j-spring-boot-starter, brought it nearer than ours).";
        String action = "Import the langchain4j-parallel BOM, which pins the LangChain4j it is tested with ("
                + LangChain4jVersion.tested() + "), in your pom.xml:\n\n"
                + "    <dependencyManagement>\n"
                + "        <dependencies>\n"
                + "            <dependency>\n"
                + "                <groupId>io.github.parallel4j</groupId>\n"
                + "                <artifactId>langchain4j-parallel-bom</artifactId>\n"
                + "                <version>" + LangChain4jVersion.libraryVersion() + "</version>\n"
                + "                <type>pom</type>\n"
                + "                <scope>import</scope>\n"
                + "            </dependency>\n"
                + "        </dependencies>\n"
                + "    </dependencyManagement>\n\n"
                + "or pin dev.langchain4j:langchain4j-bom " + LangChain4jVersion.tested() + " there. Details: "
                + cause.getMessage();
        return new FailureAnalysis(description, action, cause);
    }
}
