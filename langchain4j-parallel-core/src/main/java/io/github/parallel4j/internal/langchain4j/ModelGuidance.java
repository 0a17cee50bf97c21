package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.policy.ToolPolicy;

/**
 * What the model is told about scheduling, so that it batches reads and emits dependent calls in one message.
 */
@Internal
public final class ModelGuidance {

    /**
     * A system-prompt paragraph that explains parallel calls and {@code $call_X.field} references.
     */
    public static final String SYSTEM_PROMPT = """
            You may call several tools in one message. Calls that only read run in parallel; calls that change \
            state run in the order you emit them. When a call needs the output of another call in the same \
            message, pass "$<call id>.<field>" as the argument (for example "$call_1.order_id", or \
            "$call_1.items[0].sku"; inside a longer text write "${call_1.order_id}"): it runs after that call and \
            receives the value. Each result comes back as JSON with "ok" and, on failure, "error_code" and \
            "error"; a result marked "truncated" was cut to fit and says what it left out.""";

    private ModelGuidance() {}

    /**
     * The line appended to a tool's description.
     *
     * @param policy the tool's policy
     * @return one sentence
     */
    public static String line(ToolPolicy policy) {
        if (!policy.isWrite()) {
            return "(Read-only: safe to call in parallel with other calls.)";
        }
        return policy.isExclusive()
                ? "(Changes state: runs alone, after the calls emitted before it.)"
                : "(Changes state: calls on the same " + keys(policy) + " run in the order you emit them.)";
    }

    private static String keys(ToolPolicy policy) {
        String first = policy.resourceKeys().get(0);
        int colon = first.indexOf(':');
        return colon > 0 ? first.substring(0, colon) : "resource";
    }
}
