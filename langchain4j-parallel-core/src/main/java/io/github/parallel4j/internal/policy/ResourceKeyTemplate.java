package io.github.parallel4j.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.parallel4j.internal.Internal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A resource key template such as {@code order:{orderId}} or {@code customer:{customer.id}:cart}, compiled once.
 *
 * <p>Each {@code {name}} is filled from the call's argument of that name, as the tool will receive it (the
 * planner passes arguments already coerced to the tool's parameter types); dots walk into nested objects. A string
 * contributes its text, a number its exact decimal value ({@code 1}, {@code 1.0} and {@code 1e0} give {@code 1}),
 * any other value its compact JSON with fields in name order ({@link CanonicalJson#text}).
 *
 * <p>So that two different argument tuples never fill the same key, every filled value has {@code %} and the
 * template's separators (the first character of each text that follows a parameter) percent-encoded (UTF-8): in
 * {@code "{a}:{b}"}, a=x:y, b=z gives {@code x%3Ay:z} and a=x, b=y:z gives {@code x:y%3Az}. For the same reason two parameters may not touch
 * ({@code "{a}{b}"} is refused). Braces cannot be escaped: a template is a key name, not free text.
 */
@Internal
public final class ResourceKeyTemplate {

    /**
     * Templates by their text, compiled once: policies keep the text, and every call planned or locked asks for
     * the compiled form. Bounded, since a program could make policies from unbounded text.
     */
    private static final Cache<String, ResourceKeyTemplate> COMPILED =
            Caffeine.newBuilder().maximumSize(10_000).build();

    private final String template;
    private final List<Part> parts;
    /** The code points a filled value must not contain as they are: {@code %} and each separator after a value. */
    private final Set<Integer> escaped;

    private ResourceKeyTemplate(String template, List<Part> parts) {
        this.template = template;
        this.parts = parts;
        Set<Integer> reserved = new HashSet<>();
        reserved.add((int) '%');
        for (int i = 1; i < parts.size(); i++) {
            // Where a value ends is where the text after it starts: that character must not occur in the value.
            if (parts.get(i).literal != null && parts.get(i - 1).path != null) {
                reserved.add(parts.get(i).literal.codePointAt(0));
            }
        }
        this.escaped = Set.copyOf(reserved);
    }

    /**
     * The compiled form of a template, compiled on first use and then shared.
     *
     * @param template the template text
     * @return the compiled template
     * @throws IllegalArgumentException as {@link #parse} does
     */
    public static ResourceKeyTemplate compiled(String template) {
        return template == null ? parse(null) : COMPILED.get(template, ResourceKeyTemplate::parse);
    }

    /**
     * @param templates template texts, such as a policy's {@code resourceKeys()}
     * @return their compiled forms, in the same order
     * @throws IllegalArgumentException as {@link #parse} does
     */
    public static List<ResourceKeyTemplate> compiled(List<String> templates) {
        List<ResourceKeyTemplate> compiled = new ArrayList<>(templates.size());
        for (String template : templates) {
            compiled.add(compiled(template));
        }
        return compiled;
    }

    /**
     * Compiles a template.
     *
     * @param template the template text
     * @return the compiled template
     * @throws IllegalArgumentException when the template is blank, has an unbalanced brace or an empty name
     */
    public static ResourceKeyTemplate parse(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("A resource key must not be blank");
        }
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (close >= 0 && (open < 0 || close < open)) {
                throw new IllegalArgumentException(
                        "Resource key '" + template + "' has a '}' without its '{' at position " + close);
            }
            if (open < 0) {
                parts.add(new Part(template.substring(i), null));
                break;
            }
            if (open > i) {
                parts.add(new Part(template.substring(i, open), null));
            }
            int end = template.indexOf('}', open);
            if (end < 0) {
                throw new IllegalArgumentException(
                        "Resource key '" + template + "' has a '{' without its '}' at position " + open);
            }
            String name = template.substring(open + 1, end).trim();
            if (name.isEmpty() || name.contains("{")) {
                throw new IllegalArgumentException(
                        "Resource key '" + template + "' has an empty or nested parameter at position " + open);
            }
            if (!parts.isEmpty() && parts.get(parts.size() - 1).path != null) {
                throw new IllegalArgumentException("Resource key '" + template + "' has two parameters with nothing"
                        + " between them at position " + open + ": different values could fill the same key; put a"
                        + " separator such as ':' between them");
            }
            parts.add(new Part(null, name.split("\\.", -1)));
            i = end + 1;
        }
        return new ResourceKeyTemplate(template, List.copyOf(parts));
    }

    /**
     * The names of the arguments this template reads (the first segment of each dotted path).
     *
     * @return the argument names, in template order
     */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (Part part : parts) {
            if (part.path != null) {
                names.add(part.path[0]);
            }
        }
        return names;
    }

    /**
     * Fills the template from a call's arguments.
     *
     * @param arguments the call's arguments, a JSON object, as the tool will receive them (see
     *     {@code PlannedCall#canonicalArguments})
     * @param isReference tells whether a string argument refers to another call's output (its value is not
     *     known yet: the key becomes {@linkplain ResourceKey#open() open})
     * @return the key
     * @throws MissingArgumentException when an argument the template names is absent or null
     */
    public ResourceKey fill(JsonNode arguments, Predicate<String> isReference) {
        StringBuilder key = new StringBuilder();
        for (Part part : parts) {
            if (part.literal != null) {
                key.append(part.literal);
                continue;
            }
            JsonNode value = arguments;
            for (String step : part.path) {
                if (value != null && value.isTextual() && isReference.test(value.textValue())) {
                    break; // the rest of the path lies inside another call's output, unknown until it has run
                }
                value = value == null ? null : value.get(step);
            }
            if (value != null && value.isTextual() && isReference.test(value.textValue())) {
                return new ResourceKey(key.toString(), true);
            }
            if (value == null || value.isNull() || value.isMissingNode()) {
                throw new MissingArgumentException(template, String.join(".", part.path));
            }
            escape(CanonicalJson.text(value), key);
        }
        return ResourceKey.of(key.toString());
    }

    private void escape(String value, StringBuilder key) {
        value.codePoints().forEach(c -> {
            if (!escaped.contains(c)) {
                key.appendCodePoint(c);
                return;
            }
            for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                key.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        });
    }

    /**
     * The template as written.
     *
     * @return the template text
     */
    public String template() {
        return template;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceKeyTemplate other && template.equals(other.template);
    }

    @Override
    public int hashCode() {
        return Objects.hash(template);
    }

    @Override
    public String toString() {
        return template;
    }

    private record Part(String literal, String[] path) {}

    /** Thrown by {@link #fill} when the call lacks an argument the template needs. */
    public static final class MissingArgumentException extends RuntimeException {

        /** @serial the missing argument's dotted name */
        private final String argument;

        MissingArgumentException(String template, String argument) {
            super("resource key '" + template + "' needs argument '" + argument + "', which the call does not have");
            this.argument = argument;
        }

        /**
         * The dotted name of the missing argument.
         *
         * @return the argument name
         */
        public String argument() {
            return argument;
        }
    }
}
