package io.github.parallel4j.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code ```java} blocks of a Markdown file, with the hidden {@code <!-- snippet... -->} comments written
 * just above them.
 *
 * <p>A marker comment belongs to the next fenced block when only blank lines and other marker comments stand
 * between them. Recognised markers: {@code <!-- snippet: skip -->}, {@code <!-- snippet: spring -->} and
 * {@code <!-- snippet-prelude: ... -->} (may span lines; its text is Java class members the snippet assumes).
 */
public final class MarkdownSnippets {

    private static final Pattern OPEN = Pattern.compile("^(\\s*)```\\s*java\\s*$");
    private static final Pattern ANY_FENCE = Pattern.compile("^\\s*```.*$");
    private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet:\\s*([\\w-]+)\\s*-->$");

    /**
     * One {@code ```java} block.
     *
     * @param file the Markdown file
     * @param fenceLine the line of the opening fence, from 1
     * @param code the block's text, common indentation removed
     * @param marker {@code skip}, {@code spring}, or null
     * @param prelude Java members the snippet assumes, possibly empty
     */
    public record Snippet(Path file, int fenceLine, String code, String marker, String prelude) {

        /** @return the line of the block's first code line, from 1 */
        int firstCodeLine() {
            return fenceLine + 1;
        }
    }

    private MarkdownSnippets() {}

    /**
     * @param file a Markdown file
     * @return its {@code ```java} blocks, in order
     * @throws IOException when the file cannot be read
     */
    public static List<Snippet> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Snippet> snippets = new ArrayList<>();
        String marker = null;
        StringBuilder prelude = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            Matcher open = OPEN.matcher(line);
            if (open.matches()) {
                int indent = open.group(1).length();
                StringBuilder code = new StringBuilder();
                int start = i;
                i++;
                while (i < lines.size() && !lines.get(i).trim().equals("```")) {
                    String body = lines.get(i);
                    code.append(body.length() >= indent && body.substring(0, indent).isBlank()
                            ? body.substring(indent) : body.stripLeading()).append('\n');
                    i++;
                }
                if (i == lines.size()) {
                    throw new IllegalStateException(file + ":" + (start + 1) + ": unclosed ```java block");
                }
                snippets.add(new Snippet(file, start + 1, code.toString(), marker, prelude.toString()));
                marker = null;
                prelude.setLength(0);
            } else if (ANY_FENCE.matcher(line).matches()) {
                // Another language's block: skip it whole, and forget markers (they were not for it).
                i++;
                while (i < lines.size() && !lines.get(i).trim().equals("```")) {
                    i++;
                }
                marker = null;
                prelude.setLength(0);
            } else if (trimmed.startsWith("<!-- snippet-prelude")) {
                StringBuilder text = new StringBuilder(trimmed.substring("<!-- snippet-prelude".length()));
                while (!text.toString().contains("-->") && i + 1 < lines.size()) {
                    text.append('\n').append(lines.get(++i));
                }
                String body = text.toString();
                body = body.substring(0, body.indexOf("-->")).strip();
                if (body.startsWith(":")) {
                    body = body.substring(1);
                }
                prelude.append(body).append('\n');
            } else if (MARKER.matcher(trimmed).matches()) {
                Matcher m = MARKER.matcher(trimmed);
                m.matches();
                marker = m.group(1);
            } else if (!trimmed.isEmpty()) {
                marker = null;
                prelude.setLength(0);
            }
        }
        return snippets;
    }
}
