package io.github.parallel4j.internal.observe;

/**
 * Compact JSON written straight into text, character for character as Jackson's default generator writes it (an
 * {@code ObjectNode}'s {@code toString()}): strings escape {@code "}, {@code \}, the short escapes
 * {@code \b \t \n \f \r}, and every other character below U+0020 as a six-character unicode escape (upper-case
 * hex); nothing else is escaped.
 * An observation envelope is a handful of flat fields: writing them directly spares a tree, its map and a
 * generator per call, and {@link #lengthOf} measures one without writing it at all.
 *
 * <p>Internal: not part of the public API.
 */
final class JsonText {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {}

    /**
     * Appends a string value, quoted and escaped ({@code null} for none, as Jackson writes a null text).
     *
     * @param out where to append
     * @param text the value
     * @return {@code out}
     */
    static StringBuilder quoted(StringBuilder out, String text) {
        if (text == null) {
            return out.append("null");
        }
        out.append('"');
        int plain = 0; // start of the run of characters that need no escape
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escapedLength(c) == 1) {
                continue;
            }
            out.append(text, plain, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            plain = i + 1;
        }
        return out.append(text, plain, text.length()).append('"');
    }

    /**
     * @param text a string value, or null
     * @return how many characters {@link #quoted} writes for it
     */
    static int lengthOf(String text) {
        if (text == null) {
            return 4;
        }
        int length = 2;
        for (int i = 0; i < text.length(); i++) {
            length += escapedLength(text.charAt(i));
        }
        return length;
    }

    /**
     * How many characters one character takes inside a JSON string: the one rule {@link #quoted} writes by and every
     * size here and in {@link JsonTruncator} is counted by.
     *
     * @param c the character
     * @return 1, 2 for a short escape, 6 for a unicode escape
     */
    static int escapedLength(char c) {
        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            return 2;
        }
        return c < 0x20 ? 6 : 1;
    }

    /**
     * @param value a number
     * @return how many characters its decimal form has
     */
    static int lengthOf(long value) {
        if (value == Long.MIN_VALUE) {
            return 20;
        }
        int digits = value < 0 ? 2 : 1;
        for (long rest = Math.abs(value / 10); rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }
}
