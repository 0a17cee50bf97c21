package io.github.parallel4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis part of the docs check: compiles the {@code ```java} blocks marked {@code <!-- snippet: redis -->}
 * (core's {@code DocsSnippetsTest} compiles the unmarked ones) against this module's classpath.
 */
class RedisDocsSnippetsTest {

    private static final Path DOCS = Path.of("../docs");

    @Test
    void should_compile_every_redis_snippet_of_the_docs(@TempDir Path out) throws IOException {
        assertThat(DOCS).as("the docs directory, relative to the redis module").isDirectory();
        List<MarkdownSnippets.Snippet> redis = new ArrayList<>();
        try (Stream<Path> md = Files.list(DOCS)) {
            for (Path file : md.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                for (MarkdownSnippets.Snippet snippet : MarkdownSnippets.read(file)) {
                    if ("redis".equals(snippet.marker())) {
                        redis.add(snippet);
                    }
                }
            }
        }
        assertThat(redis).as("redis snippets in docs/").isNotEmpty();
        assertThat(SnippetCompiler.compile(redis, out)).as("%d redis snippets", redis.size()).isEmpty();
    }
}
