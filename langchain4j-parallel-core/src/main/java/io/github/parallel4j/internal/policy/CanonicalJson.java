package io.github.parallel4j.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.parallel4j.internal.Internal;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One spelling for each JSON value, so that values equal to a tool compare and render equal: a number is its
 * exact decimal value ({@code 1}, {@code 1.0}, {@code 1e0} and {@code 1.00} are the same number), an object's
 * fields are taken in name order, and everything else (strings included, taken exactly as written) is left as
 * it is. Internal: not part of the public API.
 */
@Internal
public final class CanonicalJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private CanonicalJson() {}

    /**
     * The canonical form of a value: equal (by {@code equals}) for values that differ only in spelling.
     *
     * @param value a JSON value, may be null
     * @return its canonical form, null for null
     */
    public static JsonNode of(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            return number(value);
        }
        if (value.isObject()) {
            List<String> names = new ArrayList<>();
            value.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode copy = NODES.objectNode();
            for (String name : names) {
                copy.set(name, of(value.get(name)));
            }
            return copy;
        }
        if (value.isArray()) {
            ArrayNode copy = NODES.arrayNode(value.size());
            for (JsonNode item : value) {
                copy.add(of(item));
            }
            return copy;
        }
        return value;
    }

    /**
     * The text a value contributes to a resource key: a string's own text, a number's canonical decimal, any
     * other value its canonical compact JSON.
     *
     * @param value a JSON value
     * @return the text
     */
    public static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            JsonNode number = number(value);
            return number.isNumber() ? plain(number.decimalValue()) : number.textValue();
        }
        return write(of(value), new StringBuilder()).toString();
    }

    private static JsonNode number(JsonNode value) {
        if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
            return NODES.textNode(Double.toString(value.doubleValue())); // NaN and infinities have no decimal
        }
        return NODES.numberNode(value.decimalValue().stripTrailingZeros());
    }

    /** Plain digits for everyday magnitudes ({@code 10}, not {@code 1E+1}); scientific beyond, to stay short. */
    private static String plain(BigDecimal value) {
        return value.scale() >= -20 && value.scale() <= 40 ? value.toPlainString() : value.toString();
    }

    /** Compact JSON with canonical numbers written as {@link #plain} does, fields already sorted by {@link #of}. */
    private static StringBuilder write(JsonNode value, StringBuilder out) {
        if (value.isNumber()) {
            return out.append(plain(value.decimalValue()));
        }
        if (value.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(first ? "" : ",").append(NODES.textNode(field.getKey())).append(':');
                write(field.getValue(), out);
                first = false;
            }
            return out.append('}');
        }
        if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                write(value.get(i), out.append(i == 0 ? "" : ","));
            }
            return out.append(']');
        }
        return out.append(value);
    }
}
