package io.github.parallel4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.internal.langchain4j.LangChain4jVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link LangChain4jVersion#OLDEST_SUPPORTED} is the one source of truth for the oldest LangChain4j the library
 * supports: every place that names that version in words (the README, the docs, the javadoc of
 * {@code ParallelTools}, the CI matrix) must name the same one, so that moving the floor fails here until all of
 * them move with it. The CHANGELOG is history and is left out.
 */
class OldestLangChain4jDocsTest {

    private static final String VERSION = "(\\d+\\.\\d+\\.\\d+)";

    /** The ways the docs state the floor: each captures the version it names. */
    private static final List<Pattern> CLAIMS = List.of(
            Pattern.compile("LangChain4j older than (?:the oldest supported \\()?" + VERSION),
            Pattern.compile(VERSION + "\\*{0,2} is the oldest LangChain4j"),
            Pattern.compile("LangChain4j " + VERSION + " to \\d"),
            Pattern.compile("needs LangChain4j " + VERSION + " or newer"),
            Pattern.compile("supports \\(" + VERSION + "\\)"));

    @Test
    void should_name_the_oldest_supported_langchain4j_everywhere_when_the_docs_state_it() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("../README.md"),
                Path.of("src/main/java/io/github/parallel4j/ParallelTools.java")));
        try (Stream<Path> docs = Files.list(Path.of("../docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> claims = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file).replaceAll("\\s*\\n\\s*(\\*\\s+)?", " ");
            for (Pattern claim : CLAIMS) {
                Matcher m = claim.matcher(text);
                while (m.find()) {
                    claims.add(file.getFileName() + ": " + m.group(1));
                }
            }
        }

        assertThat(claims).as("places that name the oldest supported LangChain4j").hasSizeGreaterThanOrEqualTo(7)
                .allSatisfy(c -> assertThat(c).endsWith(": " + LangChain4jVersion.OLDEST_SUPPORTED));
        assertThat(claims).as("the README, the guide, the troubleshooting page, Spring Boot's page and the javadoc")
                .anyMatch(c -> c.startsWith("README.md")).anyMatch(c -> c.startsWith("guide.md"))
                .anyMatch(c -> c.startsWith("troubleshooting.md")).anyMatch(c -> c.startsWith("spring-boot.md"))
                .anyMatch(c -> c.startsWith("ParallelTools.java"));
        assertThat(Files.readString(Path.of("../.ci/matrix"))).as("CI runs the oldest supported LangChain4j")
                .contains("-Dlangchain4j.version=" + LangChain4jVersion.OLDEST_SUPPORTED + "\"");
    }
}
