package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Fills a ready call's references from the outputs of the calls they name, telling the model what is there when
 * a path finds nothing. Runs once a call's data predecessors have finished: the outputs it reads are final.
 */
final class ReferenceFilling {

    private ReferenceFilling() {}

    static JsonNode fill(Plan plan, PlannedCall call, Function<PlannedCall, JsonNode> outputOf) {
        if (call.references().isEmpty()) {
            return call.arguments();
        }
        // Only what was found a reference when the call was planned is one: a streamed message's plan grows, and a
        // later plan may know an id that was plain text when this call arrived.
        Set<String> ids = new HashSet<>();
        for (Reference ref : call.references()) {
            ids.add(ref.callId());
        }
        return References.resolve(call.arguments(), ids::contains, ref -> valueOf(plan, ref, outputOf));
    }

    private static JsonNode valueOf(Plan plan, Reference ref, Function<PlannedCall, JsonNode> outputOf) {
        PlannedCall target = plan.call(ref.callId()).orElseThrow(() -> new References.UnresolvedReferenceException(
                "reference " + ref.text() + " names no call of this batch"));
        JsonNode output = outputOf.apply(target);
        JsonNode value = output == null ? null : ref.select(output);
        if (value == null) {
            throw new References.UnresolvedReferenceException("reference " + ref.text() + ": the output of "
                    + target.id() + " (" + target.name() + ") has no value there" + describe(output));
        }
        return value;
    }

    /** What the output holds instead, so that the model can write the reference right the next time. */
    private static String describe(JsonNode output) {
        if (output == null) {
            return "";
        }
        if (output.isObject()) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = output.fieldNames();
            while (it.hasNext() && names.size() < 12) {
                names.add(it.next());
            }
            return "; its fields are: " + String.join(", ", names) + (it.hasNext() ? ", ..." : "");
        }
        if (output.isArray()) {
            return "; it is an array of " + output.size() + " items";
        }
        return "; it is a " + output.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object";
    }
}
