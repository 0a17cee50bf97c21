package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.parallel4j.internal.Internal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and fills {@code $call_X.path} references in a call's JSON arguments.
 *
 * <p>A string argument that is exactly a reference ({@code "$call_1.order_id"} or {@code "${call_1.order_id}"})
 * is replaced by the referred value with its JSON type: a number stays a number, an object an object. Inside a
 * longer string only the braced form counts ({@code "order ${call_1.order_id} is late"}) and the value is
 * written as text. A path walks fields with {@code .name} (letters of any script, digits, {@code _} and
 * {@code -}: {@code $call_1.prénom} works) and array items with {@code [i]}.
 *
 * <p><b>What counts as a reference.</b> So that ordinary text such as {@code "$100"} or {@code "$HOME"} is left
 * alone, a <em>reference token</em> is {@code $} or <code>${</code> followed by a name ({@code [A-Za-z_][A-Za-z0-9_-]*})
 * that is the id of a call in the batch or starts with {@code call}. Every reference token must be part of a
 * well-formed reference, or the call is refused with {@code UNRESOLVED_REFERENCE} and does not run: so
 * {@code "$call_1.first name"}, an unclosed <code>"${call_1.id"</code>, {@code "order $call_1.id"} (inside a
 * longer string only the braced form counts) and an index beyond any array ({@code [99999999999]}) are refused,
 * never passed on as literal text. A field name with other characters (a space, a dot) cannot be written.
 */
@Internal
public final class References {

    private static final String ID = "([A-Za-z_][A-Za-z0-9_-]*)";
    private static final String PATH = "((?:\\.[\\p{L}\\p{M}\\p{N}_-]+|\\[\\d+])*)";
    private static final Pattern WHOLE = Pattern.compile("^\\$(?:" + ID + PATH + "|\\{" + ID + PATH + "})$");
    private static final Pattern EMBEDDED = Pattern.compile("\\$\\{" + ID + PATH + "}");
    private static final Pattern STEP = Pattern.compile("\\.([\\p{L}\\p{M}\\p{N}_-]+)|\\[(\\d+)]");
    /** The start of anything that may be a reference; whether it is one depends on the name. */
    private static final Pattern TOKEN = Pattern.compile("\\$(\\{)?" + ID);

    private References() {}

    /**
     * Whether a name after {@code $} is a reference in a batch with these call ids.
     *
     * @param id the name
     * @param isCallId tells whether a call of the batch has this id
     * @return true when it is to be treated as a reference
     */
    static boolean refersToCall(String id, Predicate<String> isCallId) {
        return isCallId.test(id) || id.startsWith("call");
    }

    /**
     * Whether a string argument holds at least one reference.
     *
     * @param text the argument's text
     * @param isCallId tells whether a call of the batch has a given id
     * @return true when the text refers to a call
     * @throws UnresolvedReferenceException when the text holds a reference token that is no well-formed reference
     */
    public static boolean containsReference(String text, Predicate<String> isCallId) {
        if (text.indexOf('$') < 0) {
            return false;
        }
        return !find(text, isCallId).isEmpty();
    }

    /**
     * The names after every {@code $} or <code>${</code> in a JSON value's strings, whether or not they are references
     * (that depends on the batch's ids).
     *
     * @param arguments the arguments
     * @return the names, in document order, each once
     */
    public static Set<String> tokenNames(JsonNode arguments) {
        Set<String> names = new LinkedHashSet<>();
        collectNames(arguments, names);
        return names;
    }

    private static void collectNames(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            if (node.textValue().indexOf('$') >= 0) {
                Matcher token = TOKEN.matcher(node.textValue());
                while (token.find()) {
                    names.add(token.group(2));
                }
            }
        } else if (node.isContainerNode()) {
            for (JsonNode child : node) {
                collectNames(child, names);
            }
        }
    }

    /**
     * All references in a JSON value, in document order.
     *
     * @param arguments the arguments
     * @param isCallId tells whether a call of the batch has a given id
     * @return the references, possibly empty
     * @throws UnresolvedReferenceException when a string holds a reference token that is no well-formed reference
     *     (see the class description), or a path with an index beyond {@code int}
     */
    public static List<Reference> findAll(JsonNode arguments, Predicate<String> isCallId) {
        List<Reference> found = new ArrayList<>();
        collect(arguments, isCallId, found);
        return found;
    }

    private static void collect(JsonNode node, Predicate<String> isCallId, List<Reference> found) {
        if (node.isTextual()) {
            String text = node.textValue();
            if (text.indexOf('$') >= 0) {
                found.addAll(find(text, isCallId));
            }
        } else if (node.isContainerNode()) {
            for (JsonNode child : node) {
                collect(child, isCallId, found);
            }
        }
    }

    private static List<Reference> find(String text, Predicate<String> isCallId) {
        Reference whole = whole(text, isCallId);
        if (whole != null) {
            return List.of(whole);
        }
        List<Reference> found = new ArrayList<>();
        Set<Integer> starts = new HashSet<>();
        Matcher m = EMBEDDED.matcher(text);
        while (m.find()) {
            if (refersToCall(m.group(1), isCallId)) {
                found.add(new Reference(m.group(1), path(m.group(2), m.group()), m.group()));
                starts.add(m.start());
            }
        }
        Matcher token = TOKEN.matcher(text);
        while (token.find()) {
            if (refersToCall(token.group(2), isCallId) && !starts.contains(token.start())) {
                throw new UnresolvedReferenceException(malformed(text, token));
            }
        }
        return found;
    }

    /** Why a reference token is not a reference, and how to write it. */
    private static String malformed(String text, Matcher token) {
        String id = token.group(2);
        String shown = text.substring(token.start(), Math.min(text.length(), token.start() + 60));
        if (token.group(1) == null && token.start() > 0) {
            return "'" + shown + "' looks like a reference to " + id + " inside a longer string, where only the"
                    + " braced form counts: write ${" + id + ".field}; it was not passed on as text";
        }
        return "'" + shown + "' looks like a reference to " + id + " but is not one: a reference is $" + id
                + " or ${" + id + "} followed by .field (letters, digits, _ and -) and [index] steps, and a whole"
                + " string unless braced; it was not passed on as text";
    }

    private static Reference whole(String text, Predicate<String> isCallId) {
        Matcher m = WHOLE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String id = m.group(1) != null ? m.group(1) : m.group(3);
        String path = m.group(1) != null ? m.group(2) : m.group(4);
        return refersToCall(id, isCallId) ? new Reference(id, path(path, text), text) : null;
    }

    private static List<Object> path(String text, String reference) {
        List<Object> steps = new ArrayList<>();
        Matcher m = STEP.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                steps.add(m.group(1));
                continue;
            }
            try {
                steps.add(Integer.parseInt(m.group(2)));
            } catch (NumberFormatException e) {
                throw new UnresolvedReferenceException("reference " + reference + ": index [" + m.group(2)
                        + "] is beyond any array (at most " + Integer.MAX_VALUE + ")");
            }
        }
        return steps;
    }

    /**
     * A copy of the arguments with every reference replaced by its value.
     *
     * @param arguments the arguments, left unchanged
     * @param isCallId tells whether a call of the batch has a given id
     * @param valueOf the value a reference stands for; throws {@link UnresolvedReferenceException} when it has none
     * @return the filled arguments
     */
    public static JsonNode resolve(
            JsonNode arguments, Predicate<String> isCallId, Function<Reference, JsonNode> valueOf) {
        if (arguments.isTextual()) {
            String text = arguments.textValue();
            if (text.indexOf('$') < 0) {
                return arguments;
            }
            Reference whole = whole(text, isCallId);
            if (whole != null) {
                return valueOf.apply(whole);
            }
            Matcher m = EMBEDDED.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String replacement = m.group();
                if (refersToCall(m.group(1), isCallId)) {
                    JsonNode value = valueOf.apply(new Reference(m.group(1), path(m.group(2), m.group()), m.group()));
                    replacement = value.isTextual() ? value.textValue() : value.toString();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return JsonNodeFactory.instance.textNode(out.toString());
        }
        if (arguments.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = arguments.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(field.getKey(), resolve(field.getValue(), isCallId, valueOf));
            }
            return copy;
        }
        if (arguments.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(arguments.size());
            for (JsonNode item : arguments) {
                copy.add(resolve(item, isCallId, valueOf));
            }
            return copy;
        }
        return arguments;
    }

    /**
     * A ready call's arguments with every reference filled from the output of the call it names.
     *
     * @param plan the call's plan
     * @param call the call, whose data predecessors have all finished
     * @param outputOf the output of a finished call, or null when it has none
     * @return the filled arguments ({@link PlannedCall#arguments()} itself when it has no references)
     * @throws UnresolvedReferenceException when a reference names no call, or no value in its output
     */
    public static JsonNode fill(Plan plan, PlannedCall call, Function<PlannedCall, JsonNode> outputOf) {
        return ReferenceFilling.fill(plan, call, outputOf);
    }

    /** Thrown when a reference cannot be filled: no such call, or no such path in its output. */
    public static final class UnresolvedReferenceException extends RuntimeException {

        /**
         * @param message what could not be resolved, for the model
         */
        public UnresolvedReferenceException(String message) {
            super(message, null, false, false);
        }
    }
}
