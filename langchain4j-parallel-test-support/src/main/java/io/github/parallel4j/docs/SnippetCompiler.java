package io.github.parallel4j.docs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles documentation snippets against the running JVM's class path (the test class path of the module whose
 * test calls it), so that core's and the starter's docs checks share one compiler and one error format.
 *
 * <p>How a block becomes Java is described on {@link SnippetSource}. A failure names the Markdown file and line of
 * each error, with the compiler's message, and shows the generated source.
 */
public final class SnippetCompiler {

    private SnippetCompiler() {}

    /**
     * Compiles the snippets in one compiler run.
     *
     * @param snippets the blocks to compile
     * @param out where the class files go
     * @return every error, located in the Markdown, or "" when all compile
     * @throws IOException when {@code out} cannot be created
     * @throws IllegalStateException when the JVM has no compiler (a JRE, not a JDK)
     */
    public static String compile(List<MarkdownSnippets.Snippet> snippets, Path out) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this JVM: run the tests on a JDK, not a JRE");
        }
        Files.createDirectories(out);

        Map<URI, Source> sources = new LinkedHashMap<>();
        for (int i = 0; i < snippets.size(); i++) {
            MarkdownSnippets.Snippet snippet = snippets.get(i);
            SnippetSource.Unit unit = SnippetSource.of(snippet, "docsnippets.s" + (i + 1));
            Source source = new Source(snippet, unit);
            sources.put(source.toUri(), source);
        }

        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                "-proc:none", "-parameters", "-Xlint:none", "-nowarn", "-Xmaxerrs", "1000");
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            compiler.getTask(null, files, diagnostics, options, null, new ArrayList<>(sources.values())).call();
        }

        StringBuilder failures = new StringBuilder();
        Map<Source, List<String>> bySource = new LinkedHashMap<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Source source = d.getSource() == null ? null : sources.get(d.getSource().toUri());
            if (source == null) {
                failures.append(d.getMessage(Locale.ROOT)).append('\n');
                continue;
            }
            int line = source.unit.markdownLine(d.getLineNumber());
            String at = line > 0
                    ? source.snippet.file() + ":" + line
                    : where(source.snippet) + " (generated line " + d.getLineNumber() + ")";
            bySource.computeIfAbsent(source, s -> new ArrayList<>()).add(at + ": " + d.getMessage(Locale.ROOT));
        }
        bySource.forEach((source, errors) -> {
            failures.append("\nThe snippet at ").append(where(source.snippet)).append(" does not compile:\n");
            errors.forEach(e -> failures.append("  ").append(e).append('\n'));
            failures.append("  generated source:\n");
            String[] lines = source.unit.text().split("\n");
            for (int i = 0; i < lines.length; i++) {
                failures.append(String.format(Locale.ROOT, "  %4d| %s%n", i + 1, lines[i]));
            }
        });
        return failures.toString();
    }

    /**
     * @param snippet a block
     * @return its file and fence line, as {@code path:line}
     */
    public static String where(MarkdownSnippets.Snippet snippet) {
        return snippet.file() + ":" + snippet.fenceLine();
    }

    /** One generated unit, in memory. */
    private static final class Source extends SimpleJavaFileObject {
        final MarkdownSnippets.Snippet snippet;
        final SnippetSource.Unit unit;

        Source(MarkdownSnippets.Snippet snippet, SnippetSource.Unit unit) {
            super(URI.create("string:///" + unit.packageName().replace('.', '/') + "/" + unit.fileName()
                    + Kind.SOURCE.extension), Kind.SOURCE);
            this.snippet = snippet;
            this.unit = unit;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return unit.text();
        }
    }
}
