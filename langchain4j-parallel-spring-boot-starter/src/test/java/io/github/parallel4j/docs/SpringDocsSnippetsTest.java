package io.github.parallel4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.spring.ParallelToolsAutoConfiguration;
import io.github.parallel4j.spring.aiservice.ParallelToolsAiServicesAutoConfiguration;
import io.github.parallel4j.spring.micrometer.ParallelToolsObservationAutoConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The Spring half of the docs check: compiles the {@code ```java} blocks marked {@code <!-- snippet: spring -->}
 * (core's {@code DocsSnippetsTest} compiles the rest) against the starter's classpath, and starts the starter
 * with every {@code parallel-tools} YAML example of the docs, so that a property renamed in code fails here.
 */
class SpringDocsSnippetsTest {

    private static final Path DOCS = Path.of("../docs");
    private static final Pattern YAML = Pattern.compile("(?ms)^```yaml\\s*\\n(.*?)^```");

    @Test
    void should_compile_every_spring_snippet_when_docs_change(@TempDir Path out) throws IOException {
        List<MarkdownSnippets.Snippet> spring = new ArrayList<>();
        for (Path file : markdown()) {
            for (MarkdownSnippets.Snippet snippet : MarkdownSnippets.read(file)) {
                if ("spring".equals(snippet.marker())) {
                    spring.add(snippet);
                }
            }
        }
        assertThat(spring).as("spring snippets in docs/").isNotEmpty();
        assertThat(SnippetCompiler.compile(spring, out)).as("%d spring snippets", spring.size()).isEmpty();
    }

    @Test
    void should_start_the_starter_when_given_each_yaml_example() throws IOException {
        int examples = 0;
        for (Path file : markdown()) {
            Matcher yaml = YAML.matcher(Files.readString(file));
            while (yaml.find()) {
                String text = yaml.group(1);
                if (!text.contains("parallel-tools:")) {
                    continue;
                }
                examples++;
                List<PropertySource<?>> sources = new YamlPropertySourceLoader()
                        .load(file.getFileName().toString(), new ByteArrayResource(text.getBytes()));
                new ApplicationContextRunner()
                        .withConfiguration(AutoConfigurations.of(ParallelToolsAutoConfiguration.class,
                                ParallelToolsAiServicesAutoConfiguration.class,
                                ParallelToolsObservationAutoConfiguration.class))
                        .withInitializer(context -> sources.forEach(s ->
                                context.getEnvironment().getPropertySources().addFirst(s)))
                        .run(context -> {
                            assertThat(context).as(file + ":\n" + text).hasNotFailed();
                            if (!text.contains("enabled: false")) {
                                assertThat(context).hasSingleBean(ParallelTools.class);
                            }
                        });
            }
        }
        assertThat(examples).as("parallel-tools YAML examples in docs/").isPositive();
    }

    private static List<Path> markdown() throws IOException {
        assertThat(DOCS).as("the docs directory, relative to the starter module").isDirectory();
        try (Stream<Path> files = Files.list(DOCS)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }
}
