package io.github.parallel4j.bench;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's turn: the tool calls a scripted model emits (with each call's simulated latency), the
 * integration caps the library is given, and the lower bound no executor can beat.
 *
 * <p>Arguments are JSON templates where {@code @step} stands for the call's step name ({@code r3.call_2}) and
 * {@code @ms} for its latency.
 *
 * @param id a short name
 * @param title what it is, for the report
 * @param kind how it is run
 * @param calls the turn's calls, in the model's order
 * @param caps integration caps (max concurrent calls), JVM-wide
 * @param storm the vendor's limit, for the 429 storm; otherwise null
 */
record Workload(String id, String title, Kind kind, List<Call> calls, Map<String, Integer> caps, Storm storm) {

    /** How a workload is run. */
    enum Kind {
        /** One conversation at a time, N repetitions. */
        TURN,
        /** One conversation at a time against a fresh rate-limited vendor, N repetitions. */
        STORM,
        /** Many conversations at once, each one turn of the calls. */
        CONVERSATIONS
    }

    /**
     * @param id the call id
     * @param tool the tool's name
     * @param arguments the JSON arguments' template
     * @param latencyMs the simulated latency
     */
    record Call(String id, String tool, String arguments, int latencyMs) {}

    /**
     * A token-bucket vendor limit: {@code permits} per {@code period}, burst {@code permits}.
     *
     * @param permits the bucket's capacity and refill
     * @param period the refill period
     * @param latencyMs an accepted request's latency
     */
    record Storm(int permits, Duration period, int latencyMs) {}

    private static final String[][] TRIAGE = {
        {"incident", "300"}, {"metrics", "400"}, {"logs", "250"}, {"deploys", "180"},
        {"flags", "120"}, {"runbook", "220"}, {"tickets", "350"}, {"owner", "150"},
    };

    /** Eight independent reads of uneven latency (120-400 ms), under caps they do not exceed. */
    static Workload eightReadTriage(double scale) {
        return new Workload("triage", "Eight-read triage", Kind.TURN, triageCalls(scale),
                caps("pagerduty", 2, "datadog", 3, "github", 2, "launchdarkly", 2, "confluence", 2, "jira", 2), null);
    }

    /**
     * Four reads of uneven length, then writes that each depend on one specific read, by a {@code $call}
     * reference or a resource key, and a write after a write to the same order: three waves, whose barriers cost
     * time that the eager graph does not spend.
     */
    static Workload unevenReadThenWrite(double scale) {
        List<Call> calls = List.of(
                call("call_1", "order", "{\"step\":\"@step\",\"orderId\":\"o-1\",\"latencyMs\":@ms}", 400, scale),
                call("call_2", "order", "{\"step\":\"@step\",\"orderId\":\"o-2\",\"latencyMs\":@ms}", 100, scale),
                call("call_3", "customer", "{\"step\":\"@step\",\"customerId\":\"cu-9\",\"latencyMs\":@ms}", 250, scale),
                call("call_4", "inventory", "{\"step\":\"@step\",\"sku\":\"s-4\",\"latencyMs\":@ms}", 150, scale),
                // Conflicts with call_2 (a write to order:o-2 after a read of it): runs after it.
                call("call_5", "cancelOrder", "{\"step\":\"@step\",\"orderId\":\"o-2\",\"latencyMs\":@ms}", 200, scale),
                // Needs call_2's payment id, and comes after call_5 (same order).
                call("call_6", "refund", "{\"step\":\"@step\",\"orderId\":\"o-2\",\"paymentId\":\"$call_2.paymentId\","
                        + "\"latencyMs\":@ms}", 150, scale),
                // Needs call_4's reserved quantity.
                call("call_7", "restock", "{\"step\":\"@step\",\"sku\":\"s-4\",\"quantity\":\"$call_4.reserved\","
                        + "\"latencyMs\":@ms}", 100, scale),
                // Needs call_1's customer.
                call("call_8", "notifyCustomer", "{\"step\":\"@step\",\"customerId\":\"$call_1.customerId\","
                        + "\"text\":\"Order ${call_1.orderId} is delayed\",\"latencyMs\":@ms}", 120, scale));
        return new Workload("graph", "Uneven read-then-write graph", Kind.TURN, calls,
                caps("shop", 3, "crm", 2, "warehouse", 2, "email", 2), null);
    }

    /** Twelve queries in one turn against a vendor allowing 5 per second (burst 5), 100 ms each. */
    static Workload rateLimitStorm(double scale) {
        List<Call> calls = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            calls.add(new Call("call_" + i, "queryMetrics", "{\"step\":\"@step\",\"query\":\"q" + i + "\"}", 0));
        }
        Duration period = Duration.ofNanos(Math.round(1_000_000_000L * scale));
        return new Workload("storm", "429 storm", Kind.STORM, calls, Map.of(),
                new Storm(5, period, scaled(100, scale)));
    }

    /**
     * Many conversations at once, each one turn of the eight triage reads, under JVM-wide caps that bind (the
     * conversations' flag and deploy reads cannot all run at once: caps of 40 % and 60 % of them) but leave room
     * within each turn's critical path (three rounds of 120 ms flags, two of 180 ms deploys, both under 400 ms).
     */
    static Workload conversations(double scale, int conversations) {
        return new Workload("conversations", "Concurrent conversations", Kind.CONVERSATIONS, triageCalls(scale),
                caps("launchdarkly", Math.max(1, conversations * 2 / 5), "github", Math.max(1, conversations * 3 / 5)),
                null);
    }

    private static List<Call> triageCalls(double scale) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < TRIAGE.length; i++) {
            calls.add(call("call_" + (i + 1), TRIAGE[i][0], "{\"step\":\"@step\",\"latencyMs\":@ms}",
                    Integer.parseInt(TRIAGE[i][1]), scale));
        }
        return calls;
    }

    private static Call call(String id, String tool, String arguments, int latencyMs, double scale) {
        return new Call(id, tool, arguments, scaled(latencyMs, scale));
    }

    static int scaled(int millis, double scale) {
        return Math.max(1, (int) Math.round(millis * scale));
    }

    private static Map<String, Integer> caps(Object... pairs) {
        Map<String, Integer> caps = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            caps.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return caps;
    }

    /** @return the step name of a call in a conversation */
    static String step(String conversation, String callId) {
        return conversation + "." + callId;
    }

    /** @return the turn's calls as the model emits them in a conversation */
    List<ToolExecutionRequest> requests(String conversation) {
        List<ToolExecutionRequest> requests = new ArrayList<>(calls.size());
        for (Call call : calls) {
            String arguments = call.arguments().replace("@step", step(conversation, call.id()))
                    .replace("@ms", Integer.toString(call.latencyMs()));
            requests.add(ToolExecutionRequest.builder().id(call.id()).name(call.tool()).arguments(arguments).build());
        }
        return requests;
    }

    /** @return the turn's plan by core's planner: its data and conflict edges and waves */
    Plan plan() {
        List<CallRequest> requests = new ArrayList<>();
        for (ToolExecutionRequest r : requests("plan")) {
            requests.add(new CallRequest(r.id(), r.name(), r.arguments()));
        }
        return new Planner(10_000, SimulatedTools.policies()::get, Planner.UnknownTools.REJECT).plan(requests);
    }

    /**
     * The lower bound of one turn's duration. For a dependency graph: its critical path, the longest chain of
     * latencies along data and conflict edges. For the storm: the time a vendor's token bucket needs to accept
     * every query (a burst, then one per refill) plus one latency.
     *
     * @return the bound in milliseconds
     */
    double lowerBoundMillis() {
        if (storm != null) {
            double perPermitMs = storm.period().toNanos() / 1e6 / storm.permits();
            return Math.max(0, calls.size() - storm.permits()) * perPermitMs + storm.latencyMs();
        }
        Plan plan = plan();
        double[] finish = new double[calls.size()];
        double longest = 0;
        // Waves are a topological order: every predecessor of a call sits in an earlier wave.
        for (List<PlannedCall> wave : plan.waves()) {
            for (PlannedCall call : wave) {
                double start = 0;
                for (int p : call.dataPredecessors()) {
                    start = Math.max(start, finish[p]);
                }
                for (int p : call.orderPredecessors()) {
                    start = Math.max(start, finish[p]);
                }
                finish[call.index()] = start + calls.get(call.index()).latencyMs();
                longest = Math.max(longest, finish[call.index()]);
            }
        }
        return longest;
    }

    /** @return the edges of the plan as pairs of call ids: the first must end before the second starts */
    List<String[]> edges() {
        Plan plan = plan();
        List<String[]> edges = new ArrayList<>();
        for (PlannedCall call : plan.calls()) {
            for (int p : call.dataPredecessors()) {
                edges.add(new String[] {plan.calls().get(p).id(), call.id()});
            }
            for (int p : call.orderPredecessors()) {
                edges.add(new String[] {plan.calls().get(p).id(), call.id()});
            }
        }
        return edges;
    }

    /**
     * @return the sum of the calls' latencies: what one-after-another execution costs at best (not for the storm)
     */
    double sequentialMillis() {
        return calls.stream().mapToInt(Call::latencyMs).sum();
    }
}
