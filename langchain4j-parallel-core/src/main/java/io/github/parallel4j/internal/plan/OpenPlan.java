package io.github.parallel4j.internal.plan;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plan of one AI message whose tool calls stream in: each call joins it the moment it arrives, in arrival order
 * (the model's), and is planned once, never again.
 *
 * <p>What a call waits for is decided when it arrives and points backwards only: the earlier calls whose output it
 * refers to, the earlier calls it conflicts with (a shared resource key with a write, an exclusive write), the earlier
 * identical read whose result it shares. A reference to a call that has not arrived yet is an edge still to come: the
 * call waits until that call arrives (and then for it to finish), or, once the message is {@linkplain #close closed}
 * without it, is rejected with {@link ErrorCode#UNRESOLVED_REFERENCE}. Before the message is closed, any name after
 * {@code $} that is no call's id yet may be one still to come, whatever its spelling: the call waits for it. When the
 * message closes without such a call, the name is read as a whole message's plan reads it ({@link References}): a name
 * starting with {@code call} is an unresolved reference, any other is plain text, and the call runs with its
 * arguments unchanged (its resource keys stay as cautious as if it had been a reference). Such an edge is the only one that can close a cycle, and it closes when its target arrives: then every
 * call of the cycle is rejected with {@link ErrorCode#CYCLE} (none of them can have started, since each waits for the
 * call that just arrived). A whole-message plan rejects every call of a cycle's batch instead; here the calls outside
 * the cycle may have run already. A call beyond the message's size limit is rejected alone, for the same reason.
 *
 * <p>Thread-safe: every method takes this object's monitor. The {@link PlannedCall}s it hands out are complete, as far
 * as the scheduler reads them, by the time the call can become ready (a call that waits for a later one learns of that
 * edge in the same {@link #add} that tells the scheduler).
 */
@Internal
public final class OpenPlan {

    /**
     * What the scheduler learns when a call arrives.
     *
     * @param plan the plan so far, with the new call last
     * @param call the new call
     * @param waitsFor the earlier calls it waits for (data, order and its shared read's original); empty when rejected
     * @param awaits how many calls it waits for that have not arrived yet (one per id)
     * @param waitedBy earlier calls that were waiting for this one to arrive and now wait for it to finish
     * @param rejected earlier calls rejected by this arrival (a cycle closed, or they refer to a call that cannot be
     *     referred to); none of them has started
     * @param moreWaits pairs {@code {call, predecessor}}: an earlier call that was ordered after a call rejected now
     *     waits for what that call was ordered after, so that rejecting it orders nothing differently; to add before
     *     the rejected calls get their outcomes
     */
    public record Arrival(Plan plan, PlannedCall call, int[] waitsFor, int awaits, int[] waitedBy,
            List<PlannedCall> rejected, List<int[]> moreWaits) {}

    /**
     * What closing the message changes.
     *
     * @param plan the plan with its waves
     * @param rejected calls that waited for a call the message does not hold; none of them has started
     * @param moreWaits as for {@link Arrival#moreWaits()}
     * @param released calls that waited for a name no call of the message has, which is plain text: each no longer
     *     waits for one call to arrive (an index once per such name)
     * @param releasedFrom the name each of {@code released} waited for, in the same order
     */
    public record Closing(Plan plan, List<PlannedCall> rejected, List<int[]> moreWaits, List<Integer> released,
            List<String> releasedFrom) {}

    private final Planner planner;
    private final boolean toolJudges;
    private final List<PlannedCall> calls = new ArrayList<>();
    private final List<BitSet> data = new ArrayList<>();
    private final List<BitSet> order = new ArrayList<>();
    private final Map<String, Integer> byId = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final ConflictIndex conflicts = new ConflictIndex();
    private final Map<List<Object>, Integer> firstReads = new HashMap<>();
    /** Calls waiting for a call id that has not arrived, by that id, in arrival order. */
    private final Map<String, List<Integer>> awaiting = new LinkedHashMap<>();
    /**
     * For each call, the names it would be a malformed reference to (such as {@code "order $x.id"}, where only the
     * braced form counts), which it was planned with as text: should a call of such a name arrive, it is refused, as a
     * whole message's plan would refuse it. Its other names are read as forward references.
     */
    private final Map<Integer, Set<String>> textUnlessArrived = new HashMap<>();
    /** Once closed: the ids of the message's calls still to arrive here. */
    private Set<String> coming;
    /** Once closed: the ids of the message's calls this library does not run, with their tools. */
    private Map<String, String> external;

    OpenPlan(Planner planner) {
        this.planner = planner;
        this.toolJudges = planner.toolJudgesMalformedArguments();
    }

    /**
     * Adds the call that arrived next.
     *
     * @param request the call as the model sent it
     * @return what the scheduler needs to run it
     */
    public synchronized Arrival add(CallRequest request) {
        int index = calls.size();
        PlannedCall call = planner.identify(index, request, used, Set.of(), toolJudges);
        calls.add(call);
        data.add(new BitSet());
        order.add(new BitSet());
        if (index >= planner.maxBatchSize()) {
            call.reject(ErrorCode.BATCH_TOO_LARGE, "the model sent more than " + planner.maxBatchSize() + " tool calls"
                    + " in one message; at most " + planner.maxBatchSize() + " are allowed, so this call did not run"
                    + " (the calls before it had started as they streamed in). Send fewer calls per message.");
        }
        byId.putIfAbsent(call.id, index);
        Set<String> maybeLater = Set.of();
        if (call.kind == Kind.RUN) {
            // Once the message is closed, the ids of its calls still to be added are known too; before, any name may
            // be the id of a call still to come.
            maybeLater = maybeLater(call);
            Set<String> asText = textUnlessArrived.getOrDefault(index, Set.of());
            Set<String> later = maybeLater.stream().filter(name -> !asText.contains(name)).collect(Collectors.toSet());
            planner.readReferencesAndKeys(call, id -> byId.containsKey(id) || coming != null && coming.contains(id)
                    || later.contains(id));
            // Made now, not when first asked: the ids this test knows grow as calls arrive. The test is then
            // dropped, so that nothing can make them again later, on another thread, from the grown ids.
            call.canonicalArguments();
            call.isReference = null;
        }
        if (planner.deduplicatesReads()) {
            Planner.markDuplicate(call, calls, firstReads);
        }
        List<String> forward = linkReferences(call);
        if (textUnlessArrived.containsKey(index) && call.kind == Kind.RUN) {
            forward = new ArrayList<>(forward);
            for (String id : textUnlessArrived.get(index)) {
                if (!forward.contains(id)) {
                    forward.add(id);
                }
            }
        }
        order.set(index, live(Planner.conflictsOf(call, conflicts)));
        List<PlannedCall> rejected = new ArrayList<>();
        List<Integer> waiters = new ArrayList<>(take(call.id));
        if (call.providerId != null && !call.providerId.equals(call.id) && !byId.containsKey(call.providerId)) {
            byId.put(call.providerId, index);
            waiters.addAll(take(call.providerId));
        }
        for (int w : waiters) {
            Set<String> asText = textUnlessArrived.getOrDefault(w, Set.of());
            if (asText.contains(call.id) || asText.contains(call.providerId)) {
                if (calls.get(w).kind != Kind.REJECTED) {
                    rejected.add(calls.get(w));
                    calls.get(w).reject(ErrorCode.UNRESOLVED_REFERENCE, LaterIds.why(calls.get(w).arguments, call.id,
                            byId::containsKey));
                }
                continue;
            }
            data.get(w).set(index);
            calls.get(w).dataPredecessors = data.get(w).stream().toArray();
            if (call.kind == Kind.EXTERNAL) {
                rejected.add(calls.get(w));
                calls.get(w).reject(ErrorCode.UNRESOLVED_REFERENCE, "a reference names " + call.id + ", a call of tool '"
                        + call.name + "', which langchain4j-parallel does not run, so its output cannot be referenced");
            }
        }
        if (call.kind != Kind.REJECTED && !waiters.isEmpty()) {
            rejectCycle(index, rejected);
        }
        forward = call.kind == Kind.REJECTED ? List.of() : forward; // its edges stay (keepOrder reads them)
        forward.forEach(id -> awaiting.computeIfAbsent(id, k -> new ArrayList<>()).add(index));
        List<int[]> moreWaits = keepOrder(rejected);
        describeEdges(index);
        BitSet all = new BitSet();
        if (call.kind != Kind.REJECTED) {
            all.or(data.get(index));
            all.or(order.get(index));
        }
        rejected.remove(call);
        return new Arrival(snapshot(), call, all.stream().toArray(), forward.size(),
                waiters.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(rejected), moreWaits);
    }

    /**
     * The names after {@code $} in a call's arguments that are no call's id yet and may become one ({@link LaterIds});
     * empty once the message is closed (then every id of it is known). Each name is judged on its own: one the text
     * would be a malformed reference to is planned as text, and remembered in {@link #textUnlessArrived}; the others
     * are forward references.
     */
    private Set<String> maybeLater(PlannedCall call) {
        if (coming != null || call.arguments == null) {
            return Set.of();
        }
        Set<String> names = LaterIds.candidates(call.arguments, byId::containsKey, byId.keySet());
        Set<String> malformed = LaterIds.malformed(call.arguments, names, byId::containsKey);
        if (!malformed.isEmpty()) {
            textUnlessArrived.put(call.index, malformed);
        }
        return names;
    }

    private void describeEdges(int index) {
        PlannedCall call = calls.get(index);
        call.dataPredecessors = data.get(index).stream().toArray();
        call.orderPredecessors = order.get(index).stream().filter(p -> !data.get(index).get(p)).toArray();
    }

    /**
     * The conflict index links a call to the last calls it must follow, and orders the rest through them: a call
     * rejected after it joined (which then finishes at once) would break that chain. So the calls ordered after it are
     * ordered after what it was ordered after instead.
     *
     * @return the new waits, as {@code {call, predecessor}}
     */
    private List<int[]> keepOrder(List<PlannedCall> rejected) {
        List<int[]> added = new ArrayList<>();
        for (PlannedCall r : rejected) {
            BitSet inherited = live(order.get(r.index));
            for (int s = r.index + 1; s < calls.size(); s++) {
                if (calls.get(s).kind == Kind.REJECTED || !order.get(s).get(r.index)) {
                    continue;
                }
                for (int p = inherited.nextSetBit(0); p >= 0; p = inherited.nextSetBit(p + 1)) {
                    if (!order.get(s).get(p)) {
                        order.get(s).set(p);
                        added.add(new int[] {s, p});
                    }
                }
                describeEdges(s);
            }
        }
        return added;
    }

    /** The calls given, with each rejected one replaced by the live calls it was ordered after (transitively). */
    private BitSet live(BitSet predecessors) {
        BitSet result = new BitSet();
        for (int p = predecessors.nextSetBit(0); p >= 0; p = predecessors.nextSetBit(p + 1)) {
            if (calls.get(p).kind != Kind.REJECTED) {
                result.set(p);
            } else {
                result.or(live(order.get(p)));
            }
        }
        return result;
    }

    /**
     * Links a new call's references to the earlier calls they name; a reference to an id not seen yet waits for that
     * call, unless the message is closed and does not hold it.
     *
     * @return the ids of calls it waits for that have not arrived
     */
    private List<String> linkReferences(PlannedCall call) {
        List<String> forward = new ArrayList<>();
        if (call.kind != Kind.RUN) {
            return forward;
        }
        if (call.duplicateOf >= 0) {
            data.get(call.index).set(call.duplicateOf); // its original's references are resolved there
            return forward;
        }
        for (Reference ref : call.references) {
            Integer target = byId.get(ref.callId());
            if (target == null) {
                String missing = closedWithout(ref.callId(), ref.text());
                if (missing != null) {
                    call.reject(ErrorCode.UNRESOLVED_REFERENCE, missing);
                    return List.of();
                }
                if (!forward.contains(ref.callId())) {
                    forward.add(ref.callId());
                }
            } else if (target == call.index) {
                call.reject(ErrorCode.CYCLE, "reference " + ref.text() + " names this call itself, which cannot wait"
                        + " for its own output, so it did not run");
                return List.of();
            } else if (calls.get(target).kind == Kind.EXTERNAL) {
                call.reject(ErrorCode.UNRESOLVED_REFERENCE, "reference " + ref.text() + " names a call of tool '"
                        + calls.get(target).name + "', which langchain4j-parallel does not run, so its output cannot"
                        + " be referenced");
                return List.of();
            } else {
                data.get(call.index).set(target);
            }
        }
        return forward;
    }

    /** @return why a reference to an id not seen can never be filled, or null while its call may still arrive */
    private String closedWithout(String id, String text) {
        if (coming == null || coming.contains(id)) {
            return null;
        }
        String tool = external.get(id);
        if (tool != null) {
            return "reference " + text + " names a call of tool '" + tool + "', which langchain4j-parallel does not"
                    + " run, so its output cannot be referenced";
        }
        return "reference " + text + " names no call of this message (no call has id '" + id + "')";
    }

    private List<Integer> take(String id) {
        List<Integer> waiters = awaiting.remove(id);
        return waiters == null ? List.of() : waiters;
    }

    /**
     * Rejects the cycle the new call closed, if it closed one: the calls it waits for (transitively) that also wait
     * for it. Rejected calls are left out: they finish at once and hold nothing up.
     */
    private void rejectCycle(int index, List<PlannedCall> rejected) {
        WaitsFor waits = new WaitsFor(calls, data, order);
        BitSet ahead = waits.reach(index, true);
        if (!ahead.get(index)) {
            return;
        }
        BitSet members = waits.reach(index, false);
        members.and(ahead);
        String cycle = waits.describeCycle(index, members);
        String message = "the calls' references and orderings form a cycle (" + cycle + "), which closed when "
                + calls.get(index).id + " streamed in, so none of them ran. Send these calls in separate messages, in"
                + " the order they must run.";
        members.stream().forEach(m -> {
            PlannedCall member = calls.get(m);
            member.kind = Kind.REJECTED;
            member.rejection = ErrorCode.CYCLE;
            member.rejectionMessage = message;
            rejected.add(member);
            awaiting.values().forEach(list -> list.remove(Integer.valueOf(m)));
        });
    }

    /**
     * The message is complete: a call that still waits for a call the message does not hold (or holds as a call
     * this library does not run) is rejected; one waiting for a call still on its way goes on waiting.
     *
     * @param stillComing the ids of the message's calls of this library's tools that have not arrived here yet
     * @param notRun the ids of the message's calls this library does not run, with their tools' names
     * @return the calls rejected now, and the plan
     */
    public synchronized Closing close(Set<String> stillComing, Map<String, String> notRun) {
        coming = Set.copyOf(stillComing);
        external = Map.copyOf(notRun);
        List<PlannedCall> rejected = new ArrayList<>();
        List<Integer> released = new ArrayList<>();
        List<String> releasedFrom = new ArrayList<>();
        for (var it = awaiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<Integer>> waiting = it.next();
            String id = waiting.getKey();
            if (coming.contains(id)) {
                continue;
            }
            // As a whole message's plan reads it: a name of no call, not starting with "call", is text.
            boolean plainText = !id.startsWith("call") && !external.containsKey(id);
            for (int w : waiting.getValue()) {
                PlannedCall call = calls.get(w);
                if (call.kind != Kind.REJECTED && plainText) {
                    call.references = call.references.stream().filter(r -> !r.callId().equals(id)).toList();
                    released.add(w);
                    releasedFrom.add(id);
                } else if (call.kind != Kind.REJECTED) {
                    String text = call.references.stream().filter(r -> r.callId().equals(waiting.getKey()))
                            .map(Reference::text).findFirst().orElse("$" + waiting.getKey());
                    call.reject(ErrorCode.UNRESOLVED_REFERENCE, closedWithout(waiting.getKey(), text));
                    rejected.add(call);
                }
            }
            it.remove();
        }
        List<int[]> moreWaits = keepOrder(rejected);
        return new Closing(snapshot(), List.copyOf(rejected), moreWaits, List.copyOf(released),
                List.copyOf(releasedFrom));
    }

    /** @return the plan so far, with waves over the edges known now */
    public synchronized Plan snapshot() {
        int n = calls.size();
        List<BitSet> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BitSet preds = new BitSet();
            if (calls.get(i).kind != Kind.REJECTED) {
                preds.or(data.get(i));
                preds.or(order.get(i));
            }
            all.add(preds);
        }
        int[] waves = new Topology(all).waves(i -> calls.get(i).kind != Kind.REJECTED, i -> calls.get(i).duplicateOf);
        int waveCount = 0;
        for (PlannedCall call : calls) {
            call.wave = waves[call.index];
            waveCount = Math.max(waveCount, call.wave);
        }
        return new Plan(calls, null, waveCount, byId);
    }
}
