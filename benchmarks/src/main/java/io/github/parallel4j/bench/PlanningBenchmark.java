package io.github.parallel4j.bench;

import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planning one AI message's batch with core's {@link Planner}: parsing arguments, filling resource keys, finding
 * {@code $call} references, ordering conflicts and computing waves. A quarter of the calls read an order by key,
 * a quarter write one (50 orders, so keys conflict), a quarter refer to an earlier call's output, a quarter are
 * plain reads. Sampled, so the report can give p50 and p95.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlanningBenchmark {

    /** The batch's size. */
    @Param({"1", "8", "64", "1000"})
    public int calls;

    private Planner planner;
    private List<CallRequest> batch;

    /** Builds the batch and the planner. */
    @Setup
    public void setUp() {
        Map<String, ToolPolicy> policies = Map.of(
                "order", ToolPolicy.read("order:{orderId}"),
                "cancel", ToolPolicy.write("order:{orderId}"),
                "read", ToolPolicy.read());
        planner = new Planner(Math.max(calls, 1), policies::get, Planner.UnknownTools.BARRIER);
        batch = batch(calls);
    }

    /** @return a batch of {@code n} calls with keyed reads, conflicting writes, references and plain reads */
    static List<CallRequest> batch(int n) {
        List<CallRequest> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(switch (i % 4) {
                case 0 -> new CallRequest("call_" + i, "order", "{\"orderId\":\"" + (i % 50) + "\"}");
                case 1 -> new CallRequest("call_" + i, "cancel", "{\"orderId\":\"" + (i % 50) + "\"}");
                case 2 -> new CallRequest("call_" + i, "read", "{\"x\":\"$call_" + (i - 2) + ".orderId\"}");
                default -> new CallRequest("call_" + i, "read", "{\"x\":\"" + i + "\"}");
            });
        }
        return batch;
    }

    /** @return the plan (returned so that the JIT cannot drop the work) */
    @Benchmark
    public Plan plan() {
        return planner.plan(batch);
    }
}
