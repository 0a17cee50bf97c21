package io.github.parallel4j.internal.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Cuts a JSON value down to a number of characters of compact JSON while keeping it valid JSON and saying what was
 * left out: a cut string ends with {@code …[+N chars]}, a cut array ends with an item {@code "…[+N items]"}, a cut
 * object ends with a field {@code "…": "+N fields"}. What is kept is the beginning, in document order: the first
 * items of an array, the first fields of an object, the start of a string.
 *
 * <p>The whole value is measured once, without allocating; then it is rebuilt greedily within the budget, which
 * visits only about a budget's worth of nodes, so a megabyte is cut in a few milliseconds. Stateless and
 * thread-safe.
 */
final class JsonTruncator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The smallest budget: room for a string that says how much it left out. */
    public static final int MIN_BUDGET = 32;

    /** Below this many characters a partly fitting value is not worth cutting: the cut stops there. */
    private static final int MIN_USEFUL = 24;

    /** A value cut to size, with what the original measured. */
    public record Result(JsonNode value, boolean truncated, int originalChars) {}

    /**
     * Cuts a value to at most {@code maxChars} characters of compact JSON.
     *
     * @param value the value
     * @param maxChars the budget, at least {@value #MIN_BUDGET}
     * @return the value as it is when it fits, else a valid, smaller value that says what it left out
     */
    public Result truncate(JsonNode value, int maxChars) {
        return truncate(value, maxChars, measure(value));
    }

    /**
     * Cuts a value whose size is known already (from {@link #measure}), to save measuring it twice.
     *
     * @param value the value
     * @param maxChars the budget, at least {@value #MIN_BUDGET}
     * @param original {@code measure(value)}
     * @return as {@link #truncate(JsonNode, int)}
     */
    public Result truncate(JsonNode value, int maxChars, int original) {
        if (maxChars < MIN_BUDGET) {
            throw new IllegalArgumentException("A JSON budget must be at least " + MIN_BUDGET + " characters, was "
                    + maxChars);
        }
        if (original <= maxChars) {
            return new Result(value, false, original);
        }
        Map<JsonNode, Integer> sizes = new IdentityHashMap<>(); // only for the nodes the cut visits
        sizes.put(value, original);
        int budget = maxChars;
        for (int round = 0; round < 4; round++) {
            JsonNode cut = cut(value, budget, sizes);
            int length = cut.toString().length();
            if (length <= maxChars) {
                return new Result(cut, true, original);
            }
            budget -= (length - maxChars) + 8; // the estimate was short (escapes): shrink and try again
        }
        // What cannot be cut structurally (a huge number, a POJO) is cut as the text of its JSON.
        return new Result(cutString(value.toString(), maxChars), true, original);
    }

    /**
     * The length of a value's compact JSON, without writing it.
     *
     * @param node the value
     * @return its length in characters
     */
    public static int measure(JsonNode node) {
        if (node.isValueNode()) {
            return scalarSize(node);
        }
        long size = 2 + Math.max(0, node.size() - 1);
        if (node.isArray()) {
            for (JsonNode item : node) {
                size += measure(item);
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                size += JsonText.lengthOf(field.getKey()) + 1 + measure(field.getValue());
            }
        } else {
            size = node.toString().length();
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static int scalarSize(JsonNode node) {
        if (node.isTextual()) {
            return JsonText.lengthOf(node.textValue());
        }
        if (node.isNull()) {
            return 4;
        }
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            return node.asText().length() + 2; // written quoted: "NaN", "Infinity"
        }
        if (node.isBinary() || node.isPojo()) {
            return node.toString().length();
        }
        if (node.isInt() || node.isLong()) {
            long v = node.longValue();
            int digits = v < 0 ? 2 : 1;
            for (long rest = Math.abs(v / 10); rest > 0; rest /= 10) {
                digits++;
            }
            return v == Long.MIN_VALUE ? 20 : digits;
        }
        return node.asText().length(); // not toString(): that builds a writer per call
    }

    /** Compact JSON length of a node, memoized for containers the cut visits. */
    private static int size(JsonNode node, Map<JsonNode, Integer> sizes) {
        if (node.isValueNode()) {
            return scalarSize(node);
        }
        Integer known = sizes.get(node);
        if (known != null) {
            return known;
        }
        int size;
        if (node.isArray()) {
            size = 2 + Math.max(0, node.size() - 1);
            for (JsonNode item : node) {
                size += size(item, sizes);
            }
        } else if (node.isObject()) {
            size = 2 + Math.max(0, node.size() - 1);
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                size += JsonText.lengthOf(field.getKey()) + 1 + size(field.getValue(), sizes);
            }
        } else {
            size = node.toString().length(); // binary or POJO nodes: rare, measured as written
        }
        sizes.put(node, size);
        return size;
    }

    private static JsonNode cut(JsonNode node, int budget, Map<JsonNode, Integer> sizes) {
        if (size(node, sizes) <= budget) {
            return node;
        }
        if (node.isTextual()) {
            return cutString(node.textValue(), budget);
        }
        if (node.isArray()) {
            return cutArray(node, budget, sizes);
        }
        if (node.isObject()) {
            return cutObject(node, budget, sizes);
        }
        return node; // a number or literal cannot be cut; the caller's budget accounts for it
    }

    private static TextNode cutString(String text, int budget) {
        String marker = "…[+" + text.length() + " chars]";
        int keep = Math.min(text.length(), Math.max(0, budget - 2 - marker.length() - 2));
        while (keep > 0 && JsonText.lengthOf(text.substring(0, keep)) + marker.length() > budget) {
            keep = Math.max(0, keep - Math.max(1, (JsonText.lengthOf(text.substring(0, keep)) + marker.length() - budget)));
        }
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        return TextNode.valueOf(text.substring(0, keep) + "…[+" + (text.length() - keep) + " chars]");
    }

    private static ArrayNode cutArray(JsonNode array, int budget, Map<JsonNode, Integer> sizes) {
        ArrayNode out = NODES.arrayNode();
        int total = array.size();
        int reserve = ("\"…[+" + total + " items]\"").length() + 1;
        int used = 2;
        int kept = 0;
        for (JsonNode item : array) {
            int room = budget - used - reserve - (kept > 0 ? 1 : 0);
            int itemSize = size(item, sizes);
            if (itemSize <= room) {
                out.add(item);
                used += itemSize + (kept > 0 ? 1 : 0);
                kept++;
                continue;
            }
            if (room >= MIN_USEFUL && (item.isContainerNode() || item.isTextual())) {
                out.add(cut(item, room, sizes));
                kept++;
            }
            break;
        }
        if (kept < total) {
            out.add("…[+" + (total - kept) + " items]");
        }
        return out;
    }

    private static ObjectNode cutObject(JsonNode object, int budget, Map<JsonNode, Integer> sizes) {
        ObjectNode out = NODES.objectNode();
        int total = object.size();
        int reserve = ("\"……\":\"+" + total + " fields\"").length() + 1;
        int used = 2;
        int kept = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            int keySize = JsonText.lengthOf(field.getKey()) + 1;
            int room = budget - used - reserve - (kept > 0 ? 1 : 0) - keySize;
            int valueSize = size(field.getValue(), sizes);
            if (valueSize <= room) {
                out.set(field.getKey(), field.getValue());
                used += keySize + valueSize + (kept > 0 ? 1 : 0);
                kept++;
                continue;
            }
            JsonNode value = field.getValue();
            if (room >= MIN_USEFUL && (value.isContainerNode() || value.isTextual())) {
                out.set(field.getKey(), cut(value, room, sizes));
                kept++;
            }
            break;
        }
        if (kept < total) {
            String marker = "…";
            while (out.has(marker)) {
                marker += "…"; // the object has a field of that name already
            }
            out.put(marker, "+" + (total - kept) + " fields");
        }
        return out;
    }
}
