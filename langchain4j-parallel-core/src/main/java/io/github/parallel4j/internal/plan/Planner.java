package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import io.github.parallel4j.internal.policy.ResourceKey;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns one AI message's tool calls into a {@link Plan}.
 *
 * <p>For each call it parses the arguments once, resolves the tool's policy, fills resource keys and finds
 * {@code $call_X.path} references. It then links calls: a reference makes a data edge; two calls that share a
 * resource key where one writes, or where either is exclusive, are ordered as the model emitted them. A cycle
 * rejects the whole batch. Calls that cannot run (bad arguments, unresolved references, unknown tools when so
 * configured, a batch over the size limit) are marked rejected with the reason, and nothing else is lost.
 *
 * <p>Stateless and thread-safe; {@link #plan} is linear in the number of calls and references, except for
 * resource keys that depend on another call's output.
 */
@Internal
public final class Planner {

    /** What a call to a tool the planner has no policy for becomes. */
    public enum UnknownTools {
        /** An exclusive barrier that the caller runs (or refuses) itself; see {@link Kind#EXTERNAL}. */
        BARRIER,
        /** A rejected call with {@link ErrorCode#UNKNOWN_TOOL}. */
        REJECT
    }

    private static final int AMBIGUOUS = -1;

    private final int maxBatchSize;
    private final Function<String, ToolPolicy> policies;
    private final UnknownTools unknownTools;
    private final boolean deduplicateReads;
    private final ArgumentReader reader;
    private final BooleanSupplier toolJudgesMalformedArguments;

    /**
     * @param maxBatchSize the most calls one message may hold; a larger batch runs nothing
     * @param policies the policy of a tool by name, or null when the tool is not known
     * @param unknownTools what calls to unknown tools become
     */
    public Planner(int maxBatchSize, Function<String, ToolPolicy> policies, UnknownTools unknownTools) {
        this(maxBatchSize, policies, unknownTools, false);
    }

    /**
     * @param maxBatchSize the most calls one message may hold; a larger batch runs nothing
     * @param policies the policy of a tool by name, or null when the tool is not known
     * @param unknownTools what calls to unknown tools become
     * @param deduplicateReads whether a read identical to an earlier one of the batch (same tool, equal
     *     arguments) shares its result instead of running
     */
    public Planner(int maxBatchSize, Function<String, ToolPolicy> policies, UnknownTools unknownTools,
            boolean deduplicateReads) {
        this(maxBatchSize, policies, unknownTools, deduplicateReads, ArgumentReader.JSON, () -> false);
    }

    /**
     * @param maxBatchSize the most calls one message may hold; a larger batch runs nothing
     * @param policies the policy of a tool by name, or null when the tool is not known
     * @param unknownTools what calls to unknown tools become
     * @param deduplicateReads whether a read identical to an earlier one of the batch shares its result
     * @param toolJudgesMalformedArguments asked once per batch: whether a call whose arguments do not parse still
     *     goes to its tool's executor (as an exclusive write: alone within its AI service invocation, under its
     *     integration's limits, timeout and failure policy), so that the executor's own error reaches
     *     LangChain4j's {@code ToolArgumentsErrorHandler}; otherwise such a call is rejected with
     *     {@link ErrorCode#INVALID_ARGUMENTS}
     */
    public Planner(int maxBatchSize, Function<String, ToolPolicy> policies, UnknownTools unknownTools,
            boolean deduplicateReads, BooleanSupplier toolJudgesMalformedArguments) {
        this(maxBatchSize, policies, unknownTools, deduplicateReads, ArgumentReader.JSON,
                toolJudgesMalformedArguments);
    }

    /**
     * @param maxBatchSize the most calls one message may hold; a larger batch runs nothing
     * @param policies the policy of a tool by name, or null when the tool is not known
     * @param unknownTools what calls to unknown tools become
     * @param deduplicateReads whether a read identical to an earlier one of the batch (same tool, arguments the
     *     tool cannot tell apart) shares its result instead of running
     * @param arguments how a call's arguments are read, and what the tool will receive from them
     * @param toolJudgesMalformedArguments asked once per batch: whether a call whose arguments could not be read
     *     still goes to its tool's executor (see the constructor above)
     */
    public Planner(int maxBatchSize, Function<String, ToolPolicy> policies, UnknownTools unknownTools,
            boolean deduplicateReads, ArgumentReader arguments, BooleanSupplier toolJudgesMalformedArguments) {
        this.toolJudgesMalformedArguments = Objects.requireNonNull(toolJudgesMalformedArguments,
                "toolJudgesMalformedArguments");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
        }
        this.maxBatchSize = maxBatchSize;
        this.policies = Objects.requireNonNull(policies, "policies");
        this.unknownTools = Objects.requireNonNull(unknownTools, "unknownTools");
        this.deduplicateReads = deduplicateReads;
        this.reader = Objects.requireNonNull(arguments, "arguments");
    }

    /**
     * Plans a batch.
     *
     * @param requests the calls, in the model's order; may be empty
     * @return the plan
     */
    public Plan plan(List<CallRequest> requests) {
        List<PlannedCall> calls = identify(requests);
        if (calls.size() > maxBatchSize) {
            String message = "the model sent " + calls.size() + " tool calls in one message; at most " + maxBatchSize
                    + " are allowed, so none ran. Send fewer calls per message.";
            calls.forEach(c -> c.reject(ErrorCode.BATCH_TOO_LARGE, message));
            return new Plan(calls, null, 0, Map.of());
        }
        Map<String, Integer> byId = indexById(calls);
        Predicate<String> isCallId = byId::containsKey;
        for (PlannedCall call : calls) {
            if (call.kind == Kind.RUN) {
                readReferencesAndKeys(call, isCallId);
            }
        }
        if (deduplicateReads) {
            markDuplicates(calls);
        }
        List<BitSet> data = linkReferences(calls, byId);
        List<BitSet> order = orderConflicts(calls);
        return finish(calls, data, order, byId);
    }

    private List<PlannedCall> identify(List<CallRequest> requests) {
        boolean toolJudges = toolJudgesMalformedArguments.getAsBoolean();
        Set<String> providerIds = new HashSet<>();
        for (CallRequest r : requests) {
            if (r.id() != null && !r.id().isBlank()) {
                providerIds.add(r.id());
            }
        }
        Set<String> used = new HashSet<>();
        List<PlannedCall> calls = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            calls.add(identify(i, requests.get(i), used, providerIds, toolJudges));
        }
        return calls;
    }

    /**
     * Identifies one call: its id (the provider's, or one made unique), its policy and kind, its parsed arguments,
     * or why it is rejected already.
     *
     * @param used the ids given so far; this call's is added
     * @param providerIds ids a made-up id must not take
     * @param toolJudges whether a call whose arguments do not parse still goes to its tool
     */
    PlannedCall identify(int i, CallRequest r, Set<String> used, Set<String> providerIds, boolean toolJudges) {
        String providerId = r.id();
        String id = providerId;
        String note = null;
        if (providerId == null || providerId.isBlank()) {
            id = unique("call_" + (i + 1), used, providerIds);
            note = "the provider sent no call id; this call is identified as " + id;
        } else if (used.contains(providerId)) {
            id = unique(providerId + "#" + (i + 1), used, providerIds);
            note = "the provider repeated call id '" + providerId + "'; this call is identified as " + id;
        }
        used.add(id);
        String name = r.name() == null ? "" : r.name();
        ToolPolicy policy = policies.apply(name);
        Kind kind = policy != null ? Kind.RUN : unknownTools == UnknownTools.BARRIER ? Kind.EXTERNAL : Kind.REJECTED;
        ParsedArguments parsed = reader.parse(r.arguments());
        boolean judgedByTool = kind == Kind.RUN && !parsed.ok() && toolJudges;
        if (judgedByTool) {
            // Its executor sees the arguments as the model sent them. With no keys to order it by, it runs alone
            // within its invocation (other invocations may overlap it); its integration's limits, timeout and
            // failure policy still apply.
            policy = policy.asExclusiveWrite();
        }
        PlannedCall call = new PlannedCall(i, id, providerId, note, name, r.arguments(), parsed, policy, kind, reader);
        if (kind == Kind.REJECTED) {
            call.rejection = ErrorCode.UNKNOWN_TOOL;
            call.rejectionMessage = PlannedCall.noSuchTool(name);
        } else if (kind == Kind.RUN && !parsed.ok() && !judgedByTool) {
            call.reject(ErrorCode.INVALID_ARGUMENTS, ArgumentFailures.describe(parsed.failure(), r.arguments()));
        }
        return call;
    }

    private static String unique(String candidate, Set<String> used, Set<String> providerIds) {
        String id = candidate;
        for (int n = 2; used.contains(id) || providerIds.contains(id); n++) {
            id = candidate + "_" + n;
        }
        return id;
    }

    private static Map<String, Integer> indexById(List<PlannedCall> calls) {
        Map<String, Integer> byId = new HashMap<>();
        for (PlannedCall call : calls) {
            byId.put(call.id, call.index);
        }
        for (PlannedCall call : calls) {
            // A repeated provider id is ambiguous: a reference to it could mean either call.
            if (call.providerId != null && !call.providerId.equals(call.id)) {
                byId.put(call.providerId, AMBIGUOUS);
            }
        }
        return byId;
    }

    /** Finds a call's references and fills its resource keys; rejects it when either cannot be read. */
    void readReferencesAndKeys(PlannedCall call, Predicate<String> isCallId) {
        if (call.arguments == null) {
            return;
        }
        try {
            call.references = List.copyOf(References.findAll(call.arguments, isCallId));
        } catch (References.UnresolvedReferenceException e) {
            call.reject(ErrorCode.UNRESOLVED_REFERENCE, e.getMessage());
            return;
        }
        Predicate<String> isReference = text -> References.containsReference(text, isCallId);
        call.isReference = isReference; // its canonical arguments are made when first needed
        if (call.policy.resourceKeys().isEmpty()) {
            return; // no keys to fill: List.of() already
        }
        List<ResourceKey> keys = new ArrayList<>(call.policy.resourceKeys().size());
        JsonNode canonical = call.canonicalArguments();
        for (ResourceKeyTemplate template : call.keyTemplates()) {
            try {
                keys.add(template.fill(canonical, isReference));
            } catch (ResourceKeyTemplate.MissingArgumentException e) {
                call.reject(ErrorCode.INVALID_ARGUMENTS, e.getMessage());
                return;
            }
        }
        call.keys = List.copyOf(keys);
    }

    /**
     * A read identical to an earlier read of the batch shares its result: it waits for it and does not run. Never
     * across a write that could change what it reads: a write forgets the earlier reads of its keys, an exclusive
     * write or a call the library does not run forgets them all.
     */
    private static void markDuplicates(List<PlannedCall> calls) {
        // A read can only repeat a read of the same tool: one whose tool no other call names needs no canonical
        // arguments to tell (coercing them is the dearest part of planning a call).
        Map<String, Integer> named = new HashMap<>();
        for (PlannedCall call : calls) {
            named.merge(call.name, 1, Integer::sum);
        }
        Map<List<Object>, Integer> first = new HashMap<>();
        for (PlannedCall call : calls) {
            markDuplicate(call, calls, first, named.get(call.name) > 1);
        }
    }

    /** One step of {@link #markDuplicates} ({@code first}: each read's first since a write that could change it). */
    static void markDuplicate(PlannedCall call, List<PlannedCall> calls, Map<List<Object>, Integer> first) {
        markDuplicate(call, calls, first, true);
    }

    /** The same, knowing whether another call of the batch names the same tool ({@code mayRepeat}). */
    private static void markDuplicate(PlannedCall call, List<PlannedCall> calls, Map<List<Object>, Integer> first,
            boolean mayRepeat) {
        if (call.kind == Kind.EXTERNAL || call.kind == Kind.RUN && call.policy.isExclusive()) {
            first.clear();
            return;
        }
        if (call.kind == Kind.RUN && call.policy.isWrite()) {
            first.values().removeIf(read -> calls.get(read).keys.stream()
                    .anyMatch(k -> call.keys.stream().anyMatch(k::mayMatch)));
            return;
        }
        if (call.kind != Kind.RUN || call.policy.isWrite() || !mayRepeat || call.canonicalArguments() == null) {
            return;
        }
        Integer original = first.putIfAbsent(List.of(call.name, call.canonicalArguments()), call.index);
        if (original != null) {
            call.duplicateOf = original;
            String same = "the same call as " + calls.get(original).id + ": it ran once and its result is shared";
            call.note = call.note == null ? same : call.note + "; " + same;
        }
    }

    private static List<BitSet> linkReferences(List<PlannedCall> calls, Map<String, Integer> byId) {
        List<BitSet> data = new ArrayList<>(calls.size());
        for (PlannedCall call : calls) {
            BitSet needs = new BitSet();
            if (call.duplicateOf >= 0) {
                needs.set(call.duplicateOf); // its original's references are resolved there
                data.add(needs);
                continue;
            }
            for (Reference ref : call.references) {
                Integer target = byId.get(ref.callId());
                if (target == null) {
                    call.reject(ErrorCode.UNRESOLVED_REFERENCE,
                            "reference " + ref.text() + " names no call of this batch (no call has id '"
                                    + ref.callId() + "')");
                } else if (target == AMBIGUOUS) {
                    call.reject(ErrorCode.UNRESOLVED_REFERENCE,
                            "reference " + ref.text() + " is ambiguous: several calls of this batch have id '"
                                    + ref.callId() + "'");
                } else if (calls.get(target).kind == Kind.EXTERNAL) {
                    call.reject(ErrorCode.UNRESOLVED_REFERENCE,
                            "reference " + ref.text() + " names a call of tool '" + calls.get(target).name
                                    + "', which langchain4j-parallel does not run, so its output cannot be referenced");
                } else {
                    needs.set(target);
                }
            }
            data.add(needs);
        }
        return data;
    }

    private static List<BitSet> orderConflicts(List<PlannedCall> calls) {
        List<BitSet> order = new ArrayList<>(calls.size());
        ConflictIndex index = new ConflictIndex();
        for (PlannedCall call : calls) {
            order.add(conflictsOf(call, index));
        }
        return order;
    }

    /** The earlier calls a call must follow for its resource keys (the calls come in the model's order). */
    static BitSet conflictsOf(PlannedCall call, ConflictIndex index) {
        BitSet after = new BitSet();
        if (call.kind == Kind.EXTERNAL) {
            index.add(call.index, true, true, List.of(), after::set);
        } else if (call.kind == Kind.RUN && call.duplicateOf < 0) {
            boolean writes = call.policy.isWrite();
            index.add(call.index, call.policy.isExclusive(), writes, call.keys, after::set);
        }
        return after;
    }

    int maxBatchSize() {
        return maxBatchSize;
    }

    boolean deduplicatesReads() {
        return deduplicateReads;
    }

    /** Asked once per message: whether a call whose arguments do not parse still goes to its tool. */
    boolean toolJudgesMalformedArguments() {
        return toolJudgesMalformedArguments.getAsBoolean();
    }

    /** @return the empty plan of a message whose calls stream in, with this planner's policies and limits */
    public OpenPlan open() {
        return new OpenPlan(this);
    }

    private static Plan finish(
            List<PlannedCall> calls, List<BitSet> data, List<BitSet> order, Map<String, Integer> byId) {
        int n = calls.size();
        List<BitSet> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BitSet preds = (BitSet) data.get(i).clone();
            preds.or(order.get(i));
            all.add(preds);
        }
        Topology topology = new Topology(all);
        if (!topology.complete()) {
            String cycle = topology.cycle(i -> calls.get(i).id);
            String message = "the calls' references and orderings form a cycle (" + cycle
                    + "), so none ran. Send these calls in separate messages, in the order they must run.";
            for (PlannedCall call : calls) {
                call.kind = Kind.REJECTED;
                call.rejection = ErrorCode.CYCLE;
                call.rejectionMessage = message;
            }
            return new Plan(calls, cycle, 0, byId);
        }
        Edges.fill(calls, data, order);
        int[] waves = topology.waves(i -> calls.get(i).kind != Kind.REJECTED, i -> calls.get(i).duplicateOf);
        int waveCount = 0;
        for (PlannedCall call : calls) {
            call.wave = waves[call.index];
            waveCount = Math.max(waveCount, call.wave);
        }
        return new Plan(calls, null, waveCount, byId);
    }
}
