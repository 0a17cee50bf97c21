package io.github.parallel4j.internal.plan;

import io.github.parallel4j.internal.Internal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One AI message's tool calls as a dependency graph: each call with the calls it waits for (data references and
 * resource conflicts), its wave, or the reason it will not run.
 *
 * <p>Waves are for reporting: wave 1 holds the calls that wait for nothing, wave <i>n</i> the calls whose longest
 * chain of predecessors has <i>n</i>-1 links. The scheduler does not wait for a wave to end; a call starts the
 * moment its own predecessors have finished.
 *
 * <p>Immutable and thread-safe.
 */
@Internal
public final class Plan {

    private final List<PlannedCall> calls;
    private final String cycle;
    private final int waveCount;
    private final Map<String, Integer> byId;

    Plan(List<PlannedCall> calls, String cycle, int waveCount, Map<String, Integer> byId) {
        this.calls = List.copyOf(calls);
        this.cycle = cycle;
        this.waveCount = waveCount;
        this.byId = Map.copyOf(byId);
    }

    /**
     * Whether a name is a call id of this batch (its own or a provider id), the test that decides whether
     * {@code $name} is a reference.
     *
     * @param id the name
     * @return true when some call of the batch has this id
     */
    public boolean hasCallId(String id) {
        return byId.containsKey(id);
    }

    /**
     * The call with an id.
     *
     * @param id an id
     * @return the call, or empty when no single call has the id
     */
    public Optional<PlannedCall> call(String id) {
        Integer index = byId.get(id);
        return index == null || index < 0 ? Optional.empty() : Optional.of(calls.get(index));
    }

    /** @return whether a call of this plan is one the library does not run ({@link PlannedCall.Kind#EXTERNAL}) */
    public boolean hasExternalCall() {
        for (PlannedCall call : calls) { // a loop, not a stream: asked for every call's observation
            if (call.kind() == PlannedCall.Kind.EXTERNAL) {
                return true;
            }
        }
        return false;
    }

    /** @return the calls, in the model's order */
    public List<PlannedCall> calls() {
        return calls;
    }

    /** @return the cycle that rejected the batch, such as {@code call_1 waits for call_2 waits for call_1} */
    public Optional<String> cycle() {
        return Optional.ofNullable(cycle);
    }

    /** @return the number of waves */
    public int waveCount() {
        return waveCount;
    }

    /** @return the calls that run, grouped by wave (index 0 is wave 1) */
    public List<List<PlannedCall>> waves() {
        List<List<PlannedCall>> waves = new ArrayList<>();
        for (int w = 0; w < waveCount; w++) {
            waves.add(new ArrayList<>());
        }
        for (PlannedCall call : calls) {
            if (call.wave > 0) {
                waves.get(call.wave - 1).add(call);
            }
        }
        return waves;
    }

    /** @return the number of calls */
    public int size() {
        return calls.size();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Plan of ")
                .append(calls.size())
                .append(calls.size() == 1 ? " call" : " calls")
                .append(" in ")
                .append(waveCount)
                .append(waveCount == 1 ? " wave" : " waves");
        if (cycle != null) {
            s.append(", rejected: cycle ").append(cycle);
        }
        for (PlannedCall call : calls) {
            s.append("\n  ").append(call.wave == 0 ? "  -" : String.format("w%-2d", call.wave));
            s.append(' ').append(call.id).append(' ').append(call.name);
            if (call.kind == PlannedCall.Kind.REJECTED) {
                s.append(" REJECTED ").append(call.rejection).append(": ").append(call.rejectionMessage);
                continue;
            }
            s.append(" [")
                    .append(call.kind == PlannedCall.Kind.EXTERNAL ? "external barrier" : call.policy.toString());
            if (!call.keys.isEmpty()) {
                s.append(" keys=").append(call.keys);
            }
            s.append(']');
            appendPredecessors(s, "needs", call.dataPredecessors);
            appendPredecessors(s, "after", call.orderPredecessors);
        }
        return s.toString();
    }

    private void appendPredecessors(StringBuilder s, String label, int[] predecessors) {
        if (predecessors.length == 0) {
            return;
        }
        s.append(' ').append(label).append(' ');
        for (int i = 0; i < predecessors.length; i++) {
            s.append(i == 0 ? "" : ", ").append(calls.get(predecessors[i]).id);
        }
    }
}
