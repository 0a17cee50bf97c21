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
 * Compiles every {@code ```java} block of {@code docs/*.md} and of the root {@code README.md} against the test
 * classpath, so that the documentation cannot drift from the API.
 *
 * <p>How a block becomes Java is described on test-support's {@code SnippetSource}. Blocks marked {@code <!-- snippet: spring -->}
 * are left to the Spring Boot starter's own test (they need Spring on the classpath), and blocks marked
 * {@code <!-- snippet: skip -->} are intentionally incomplete; both are counted and skipped.
 *
 * <p>A failure names the Markdown file and line of each error, with the compiler's message, and shows the
 * generated source.
 */
class DocsSnippetsTest {

    private static final Path DOCS = Path.of("../docs");
    private static final Path README = Path.of("../README.md");

    @Test
    void should_compile_every_java_snippet_of_the_docs_and_the_readme(@TempDir Path out) throws IOException {
        assertThat(DOCS).as("the docs directory, relative to the core module").isDirectory();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> md = Files.list(DOCS)) {
            md.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        if (Files.isRegularFile(README)) {
            files.add(README);
        }

        List<MarkdownSnippets.Snippet> compiled = new ArrayList<>();
        int skipped = 0;
        for (Path file : files) {
            for (MarkdownSnippets.Snippet snippet : MarkdownSnippets.read(file)) {
                if (snippet.marker() != null) {
                    assertThat(snippet.marker()).as(where(snippet) + ": unknown snippet marker")
                            .isIn("skip", "spring", "redis");
                    skipped++;
                } else {
                    compiled.add(snippet);
                }
            }
        }
        assertThat(compiled).as("java snippets found in " + files).isNotEmpty();

        String failures = compile(compiled, out);
        System.out.printf("DocsSnippetsTest: %d java snippets compiled, %d skipped (marked spring, redis or skip), from %d files%n",
                compiled.size(), skipped, files.size());
        assertThat(failures).as("%d snippets compiled, %d skipped", compiled.size(), skipped).isEmpty();
    }

    @Test
    void should_report_the_markdown_line_of_a_broken_snippet(@TempDir Path dir) throws IOException {
        Path md = dir.resolve("broken.md");
        Files.writeString(md, String.join("\n",
                "# Broken",
                "",
                "```java",
                "ParallelTools parallel = ParallelTools.builder()",
                "        .noSuchOption(3)",
                "        .build();",
                "```",
                ""));
        List<MarkdownSnippets.Snippet> snippets = MarkdownSnippets.read(md);
        assertThat(snippets).hasSize(1);

        String failures = compile(snippets, dir.resolve("out"));

        assertThat(failures).contains("broken.md:5").contains("noSuchOption");
    }

    @Test
    void should_skip_marked_blocks_and_keep_preludes(@TempDir Path dir) throws IOException {
        Path md = dir.resolve("marked.md");
        {
            Files.writeString(md, String.join("\n",
                    "<!-- snippet: spring -->",
                    "```java",
                    "@Bean ParallelToolsCustomizer c() { return b -> {}; }",
                    "```",
                    "",
                    "<!-- snippet-prelude: String orderId;",
                    "     int count; -->",
                    "```java",
                    "System.out.println(orderId + count)",
                    "```",
                    "```yaml",
                    "a: b",
                    "```",
                    "```java",
                    "int x = 1;",
                    "```",
                    ""));
            List<MarkdownSnippets.Snippet> snippets = MarkdownSnippets.read(md);

            assertThat(snippets).extracting(MarkdownSnippets.Snippet::marker).containsExactly("spring", null, null);
            assertThat(snippets.get(1).prelude()).contains("String orderId;").contains("int count;");
            assertThat(snippets.get(2).prelude()).isEmpty();
            assertThat(compile(snippets.subList(1, 3), dir.resolve("out"))).isEmpty();
        }
    }

    private static String compile(List<MarkdownSnippets.Snippet> snippets, Path out) throws IOException {
        return SnippetCompiler.compile(snippets, out);
    }

    private static String where(MarkdownSnippets.Snippet snippet) {
        return SnippetCompiler.where(snippet);
    }
}
