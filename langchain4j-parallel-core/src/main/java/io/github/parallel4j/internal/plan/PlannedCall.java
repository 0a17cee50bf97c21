package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.policy.ResourceKey;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One call of a {@link Plan}: what the model asked for, the policy that applies, what it waits for, and, when the
 * planner already knows it cannot run, why.
 *
 * <p>Immutable once the plan is built.
 */
@Internal
public final class PlannedCall {

    /** What the scheduler does with a call. */
    public enum Kind {
        /** Runs as soon as its predecessors are done and its limits allow. */
        RUN,
        /**
         * A call this library does not run (another tool of the AI service, or a name no tool has): an exclusive
         * barrier, so nothing emitted after it starts before the AI service has passed it.
         */
        EXTERNAL,
        /** Never runs: its observation is {@link #rejection()}. */
        REJECTED
    }

    final int index;
    final String id;
    final String providerId;
    String note;
    final String name;
    final String rawArguments;
    final JsonNode arguments;
    final Exception argumentsFailure;
    final ArgumentReader reader;
    /**
     * Which texts of the arguments are references to calls of the batch; set once the planner found the call's
     * references (null before, for a call it did not plan to run, and once a streamed call's were made). The canonical arguments are made from it
     * when first asked for: a call without resource keys, read cache or de-duplication never needs them, and
     * coercing each argument to its parameter's type is the dearest part of planning a call.
     */
    volatile Predicate<String> isReference;
    /** The policy's resource key templates compiled, once asked for; see {@link #keyTemplates()}. */
    private List<ResourceKeyTemplate> templates;
    /** The canonical arguments, once made; see {@link #canonicalArguments()}. */
    private volatile JsonNode canonicalArguments;
    final ToolPolicy policy;
    Kind kind;
    ErrorCode rejection;
    String rejectionMessage;
    List<ResourceKey> keys = List.of();
    List<Reference> references = List.of();
    /** No call: shared, since every accessor hands out a copy. */
    static final int[] NONE = new int[0];

    int[] dataPredecessors = NONE;
    int[] orderPredecessors = NONE;
    int[] successors = NONE;
    int wave;
    int duplicateOf = -1;

    PlannedCall(
            int index,
            String id,
            String providerId,
            String note,
            String name,
            String rawArguments,
            ParsedArguments parsed,
            ToolPolicy policy,
            Kind kind,
            ArgumentReader reader) {
        this.index = index;
        this.id = id;
        this.providerId = providerId;
        this.note = note;
        this.name = name;
        this.rawArguments = rawArguments;
        this.arguments = parsed.value();
        this.argumentsFailure = parsed.failure();
        this.policy = policy;
        this.kind = kind;
        this.reader = reader;
    }

    void reject(ErrorCode code, String message) {
        if (kind != Kind.REJECTED) {
            kind = Kind.REJECTED;
            rejection = code;
            rejectionMessage = message;
        }
    }

    /** @return the position in the model's message, from 0 */
    public int index() {
        return index;
    }

    /** @return the call's id: the provider's, or a synthesized one when the provider's was missing or repeated */
    public String id() {
        return id;
    }

    /** @return the id the provider sent, possibly null */
    public String providerId() {
        return providerId;
    }

    /** @return why the id was synthesized, if it was */
    public Optional<String> note() {
        return Optional.ofNullable(note);
    }

    /** @return the tool's name */
    public String name() {
        return name;
    }

    /** @return the arguments as the model sent them */
    public String rawArguments() {
        return rawArguments;
    }

    /** @return the parsed arguments (a JSON object), or null when they could not be parsed */
    public JsonNode arguments() {
        return arguments;
    }

    /**
     * @return why the arguments could not be read, the exception as the reader threw it (LangChain4j's, in the
     *     library); empty when they were read
     */
    public Optional<Exception> argumentsFailure() {
        return Optional.ofNullable(argumentsFailure);
    }

    /**
     * @return the arguments as the tool will receive them, in canonical form (see {@link ArgumentReader#canonical});
     *     null when they could not be read or the call was not planned to run
     */
    public JsonNode canonicalArguments() {
        JsonNode made = canonicalArguments;
        Predicate<String> references = isReference;
        if (made == null && references != null && arguments != null) {
            // Made at most a few times under a race, each time the same value: no lock on the path of every call.
            made = reader.canonical(name, arguments, references);
            canonicalArguments = made;
        }
        return made;
    }

    /**
     * The canonical form of this call's arguments once its references are filled: what resource keys and the
     * read cache are filled from when the call runs.
     *
     * @param resolved the arguments with references filled ({@link #arguments()} itself when it has none)
     * @return the canonical arguments
     */
    public JsonNode canonicalArguments(JsonNode resolved) {
        if (resolved == arguments && arguments != null) {
            JsonNode planned = canonicalArguments();
            if (planned != null) {
                return planned;
            }
        }
        return reader.canonical(name, resolved, text -> false);
    }

    /**
     * The texts of this call's resource keys once it runs, each {@code {param}} filled from the arguments as the
     * tool receives them ({@code 1}, {@code 1.0} and {@code "1"} for a {@code long} fill one key), in its policy's
     * order: what it locks and what its write makes the read cache forget.
     *
     * @param resolved the arguments with references filled ({@link #arguments()} itself when it has none)
     * @return the filled keys, possibly empty
     * @throws ResourceKeyTemplate.MissingArgumentException when a key names an argument the call does not have
     */
    public List<String> filledKeys(JsonNode resolved) {
        if (policy.resourceKeys().isEmpty()) {
            return List.of();
        }
        JsonNode values = canonicalArguments(resolved);
        List<String> keys = new ArrayList<>(policy.resourceKeys().size());
        for (ResourceKeyTemplate template : keyTemplates()) {
            keys.add(template.fill(values, text -> false).text());
        }
        return keys;
    }

    /**
     * The compiled form of each of its policy's resource keys, in the policy's order: looked up in the shared cache
     * of compiled templates once per call, not again when the call is planned, locked and written through the read
     * cache.
     *
     * @return the templates; empty for a call without keys or without a policy
     * @throws IllegalArgumentException when a template is malformed (a policy is checked when its tool is installed)
     */
    public List<ResourceKeyTemplate> keyTemplates() {
        List<ResourceKeyTemplate> compiled = templates;
        if (compiled == null) {
            // Immutable, so a racing thread sees it whole or compiles it again: no lock on the path of every call.
            compiled = policy == null || policy.resourceKeys().isEmpty() ? List.of()
                    : List.copyOf(ResourceKeyTemplate.compiled(policy.resourceKeys()));
            templates = compiled;
        }
        return compiled;
    }

    /** @return the tool's policy, or null for an {@link Kind#EXTERNAL} call */
    public ToolPolicy policy() {
        return policy;
    }

    /** @return what the scheduler does with this call */
    public Kind kind() {
        return kind;
    }

    /** @return why the call cannot run, for a {@link Kind#REJECTED} call */
    public ErrorCode rejection() {
        return rejection;
    }

    /** @return the message that goes with {@link #rejection()} */
    public String rejectionMessage() {
        return rejectionMessage;
    }

    /** @return the resource keys as known when planning (some may be open) */
    public List<ResourceKey> keys() {
        return keys;
    }

    /** @return the references in the arguments */
    public List<Reference> references() {
        return references;
    }

    /** @return indexes of the calls whose output this call needs */
    public int[] dataPredecessors() {
        return dataPredecessors.clone();
    }

    /** @return indexes of the calls that must finish first because they conflict with this one */
    public int[] orderPredecessors() {
        return orderPredecessors.clone();
    }

    /** @return indexes of the calls that wait for this one */
    public int[] successors() {
        return successors.clone();
    }

    /**
     * @return the index of an identical read earlier in the batch whose result this call shares instead of
     *     running, or -1
     */
    public int duplicateOf() {
        return duplicateOf;
    }

    /** @return the wave, from 1; 0 for a call that never runs */
    public int wave() {
        return wave;
    }

    @Override
    public String toString() {
        return id + " " + name;
    }

    /** @return what the model is told of a call of a tool that does not exist */
    public static String noSuchTool(String name) {
        return "there is no tool named '" + name + "'";
    }
}
