package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.internal.Internal;
import java.util.List;

/**
 * A reference from one call's argument to another call's output, such as {@code $call_1.order_id} or
 * {@code ${call_2.items[0].sku}}.
 *
 * @param callId the id of the call whose output is referred to
 * @param path the fields ({@code String}) and indexes ({@code Integer}) to walk, empty for the whole output
 * @param text the reference as the model wrote it
 */
@Internal
public record Reference(String callId, List<Object> path, String text) {

    public Reference {
        path = List.copyOf(path);
    }

    /**
     * Walks the path into a call's output.
     *
     * @param output the output of the call named by {@link #callId()}
     * @return the value, or {@code null} when the output has no such path
     */
    public JsonNode select(JsonNode output) {
        JsonNode node = output;
        for (Object step : path) {
            if (node == null) {
                return null;
            }
            if (step instanceof Integer index) {
                node = node.isArray() && index < node.size() ? node.get(index) : null;
            } else {
                node = node.isObject() ? node.get((String) step) : null;
            }
        }
        return node == null || node.isMissingNode() ? null : node;
    }

    @Override
    public String toString() {
        return text;
    }
}
