package io.github.parallel4j.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one documentation snippet into a Java compilation unit, remembering which Markdown line each generated
 * line came from so that compiler errors point into the documentation.
 *
 * <p>The convention (also described in {@code docs/README.md}):
 * <ol>
 *   <li>{@code { ... }} stands for any method body; it is compiled as {@code { throw new UnsupportedOperationException(); }}.
 *   <li>A snippet with an {@code import} or {@code package} line is a whole compilation unit and is compiled as
 *       it is (in a package of its own when it names none).
 *   <li>Any other snippet is split into top-level pieces. Type declarations ({@code class}, {@code interface},
 *       {@code record}, {@code enum}) and method or field declarations (recognised by their annotations,
 *       modifiers, or a {@code Type name(...) {} } shape) become members of a generated class that extends
 *       {@link SnippetContext}; everything else is a statement, in order, of one method body. A missing final
 *       semicolon is added, so a builder chain alone is a snippet. The generated file imports
 *       {@link #IMPORTS}.
 *   <li>{@code <!-- snippet-prelude: ... -->} just above a block adds hidden members for names the snippet uses
 *       but does not declare.
 * </ol>
 */
final class SnippetSource {

    /** What a wrapped snippet can name without importing it. */
    static final List<String> IMPORTS = List.of(
            "dev.langchain4j.agent.tool.*",
            "dev.langchain4j.invocation.*",
            "dev.langchain4j.model.chat.*",
            "dev.langchain4j.service.*",
            "dev.langchain4j.service.tool.*",
            "io.github.bucket4j.Bandwidth",
            "io.github.parallel4j.*",
            "io.github.parallel4j.annotation.*",
            "io.github.parallel4j.observe.*",
            "io.github.parallel4j.policy.*",
            "java.time.*",
            "java.time.temporal.ChronoUnit",
            "java.util.*",
            "java.util.concurrent.*",
            "org.slf4j.*");

    private static final Pattern ELLIPSIS_BODY = Pattern.compile("\\{\\s*\\.\\.\\.\\s*}");
    private static final Pattern WHOLE_UNIT = Pattern.compile("(?m)^(import|package)\\s+[\\w.*]+\\s*;");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^((public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
                    + "(class|interface|record|enum|@interface)\\s+\\w+.*", Pattern.DOTALL);
    private static final Pattern MEMBER_MODIFIER = Pattern.compile("^(public|protected|private|static|abstract|synchronized)\\s.*",
            Pattern.DOTALL);
    private static final Pattern METHOD_HEAD = Pattern.compile(
            "^(final\\s+)?(<[^>]*>\\s*)?([\\w.]+(<[^;{}()]*>)?(\\[])*)\\s+(\\w+)\\s*\\(", Pattern.DOTALL);
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+((final|abstract|sealed|non-sealed)\\s+)*(class|interface|record|enum)\\s+(\\w+)");

    /** The generated unit: its file name, text, and the Markdown line of each of its lines (0 for generated ones). */
    record Unit(String packageName, String fileName, String text, int[] markdownLines) {

        /**
         * @param line a line of the unit, from 1
         * @return the Markdown line it came from, or 0
         */
        int markdownLine(long line) {
            return line >= 1 && line <= markdownLines.length ? markdownLines[(int) line - 1] : 0;
        }
    }

    private final List<String> lines = new ArrayList<>();
    private final List<Integer> origins = new ArrayList<>();

    private SnippetSource() {}

    static Unit of(MarkdownSnippets.Snippet snippet, String packageName) {
        return new SnippetSource().build(snippet, packageName);
    }

    private Unit build(MarkdownSnippets.Snippet snippet, String packageName) {
        String code = replaceEllipsisBodies(snippet.code());
        int first = snippet.firstCodeLine();
        if (WHOLE_UNIT.matcher(code).find()) {
            boolean hasPackage = code.lines().anyMatch(l -> l.startsWith("package "));
            String pkg = packageName;
            if (!hasPackage) {
                add("package " + packageName + ";", 0);
            } else {
                pkg = code.lines().filter(l -> l.startsWith("package ")).findFirst().orElseThrow()
                        .replace("package", "").replace(";", "").trim();
            }
            add(code, first);
            Matcher publicType = PUBLIC_TYPE.matcher(code);
            String fileName = publicType.find() ? publicType.group(4) : "Snippet";
            return unit(pkg, fileName);
        }
        add("package " + packageName + ";", 0);
        for (String imported : IMPORTS) {
            add("import " + imported + ";", 0);
        }
        add("@SuppressWarnings(\"all\")", 0);
        add("abstract class Snippet extends " + SnippetContext.class.getName() + " {", 0);
        if (!snippet.prelude().isBlank()) {
            add(snippet.prelude(), 0);
        }
        List<Piece> statements = new ArrayList<>();
        for (Piece piece : pieces(code, first)) {
            if (piece.isMember()) {
                add(piece.text(), piece.line());
            } else {
                statements.add(piece);
            }
        }
        add("void snippet() throws Exception {", 0);
        String lastCode = "";
        for (Piece statement : statements) {
            add(statement.text(), statement.line());
            if (!statement.code().isEmpty()) {
                lastCode = statement.code();
            }
        }
        if (!lastCode.isEmpty() && !lastCode.endsWith(";") && !lastCode.endsWith("}")) {
            add(";", 0);
        }
        add("}", 0);
        add("}", 0);
        return unit(packageName, "Snippet");
    }

    private Unit unit(String packageName, String fileName) {
        int[] map = origins.stream().mapToInt(Integer::intValue).toArray();
        return new Unit(packageName, fileName, String.join("\n", lines) + "\n", map);
    }

    private void add(String text, int firstMarkdownLine) {
        String[] split = text.split("\n", -1);
        int n = split.length;
        if (n > 1 && split[n - 1].isEmpty()) {
            n--;
        }
        for (int i = 0; i < n; i++) {
            lines.add(split[i]);
            origins.add(firstMarkdownLine == 0 ? 0 : firstMarkdownLine + i);
        }
    }

    /** Replaces each {@code { ... }} with a body that compiles, keeping the line count. */
    static String replaceEllipsisBodies(String code) {
        Matcher m = ELLIPSIS_BODY.matcher(code);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String newlines = m.group().replaceAll("[^\n]", "");
            m.appendReplacement(out, Matcher.quoteReplacement("{ throw new UnsupportedOperationException(); }" + newlines));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A top-level piece of a snippet: a statement or a declaration, with the comments before it.
     *
     * @param text the piece as written
     * @param line the Markdown line of its first line
     * @param code the piece without comments and surrounding blanks, for classifying it
     */
    record Piece(String text, int line, String code) {

        boolean isMember() {
            String head = withoutAnnotations(code);
            if (head.length() < code.length()) {
                return true; // an annotation at the start of a piece only ever belongs to a declaration
            }
            if (TYPE_DECLARATION.matcher(head).matches() || MEMBER_MODIFIER.matcher(head).matches()) {
                return true;
            }
            Matcher method = METHOD_HEAD.matcher(head);
            if (method.find() && !List.of("new", "return", "throw", "else", "yield").contains(method.group(3))) {
                int close = matching(head, method.end() - 1);
                if (close > 0) {
                    String after = head.substring(close + 1).stripLeading();
                    return after.startsWith("{") || after.startsWith("throws");
                }
            }
            return false;
        }
    }

    /** Splits code into top-level statements and declarations, at depth-0 semicolons and closing braces. */
    static List<Piece> pieces(String code, int firstLine) {
        List<Piece> pieces = new ArrayList<>();
        int depth = 0;
        int start = 0;
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (code.startsWith("//", i)) {
                i = code.indexOf('\n', i) < 0 ? code.length() : code.indexOf('\n', i);
                continue;
            }
            if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
                continue;
            }
            if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                i = end < 0 ? code.length() : end + 3;
                continue;
            }
            if (c == '"' || c == '\'') {
                i++;
                while (i < code.length() && code.charAt(i) != c) {
                    i += code.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                continue;
            }
            if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            }
            i++;
            if (depth == 0 && (c == ';' || c == '}')) {
                // A piece that ends in '}' may go on: "} else {", "} catch (...)", ").build();" after a lambda.
                int next = skipBlank(code, i);
                if (c == '}' && next < code.length() && ",.);".indexOf(code.charAt(next)) >= 0) {
                    continue;
                }
                // Keep the rest of the line (a trailing comment) with the piece.
                int eol = code.indexOf('\n', i);
                String rest = eol < 0 ? code.substring(i) : code.substring(i, eol);
                if (rest.strip().startsWith("//") || rest.isBlank()) {
                    i = eol < 0 ? code.length() : eol + 1;
                }
                pieces.add(piece(code, start, i, firstLine));
                start = i;
            }
        }
        if (start < code.length() && !code.substring(start).isBlank()) {
            pieces.add(piece(code, start, code.length(), firstLine));
        }
        return pieces;
    }

    private static Piece piece(String code, int start, int end, int firstLine) {
        int line = firstLine + (int) code.substring(0, start).chars().filter(ch -> ch == '\n').count();
        String text = code.substring(start, end);
        return new Piece(text, line, stripComments(text).strip());
    }

    private static int skipBlank(String code, int i) {
        while (i < code.length()) {
            if (Character.isWhitespace(code.charAt(i))) {
                i++;
            } else if (code.startsWith("//", i)) {
                int eol = code.indexOf('\n', i);
                i = eol < 0 ? code.length() : eol + 1;
            } else {
                break;
            }
        }
        return i;
    }

    static String stripComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", "");
    }

    /** The piece with its leading annotations ({@code @Tool("x")}, {@code @Retry(maxAttempts = 3)}) removed. */
    static String withoutAnnotations(String code) {
        String s = code;
        while (s.startsWith("@") && !s.startsWith("@interface")) {
            int i = 1;
            while (i < s.length() && (Character.isJavaIdentifierPart(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String rest = s.substring(i).stripLeading();
            if (rest.startsWith("(")) {
                int close = matching(rest, 0);
                if (close < 0) {
                    return s;
                }
                rest = rest.substring(close + 1).stripLeading();
            }
            s = rest;
        }
        return s;
    }

    /** @return the index of the parenthesis that closes the one at {@code open}, or -1 */
    static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
