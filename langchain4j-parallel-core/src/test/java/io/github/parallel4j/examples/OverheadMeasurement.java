package io.github.parallel4j.examples;

import static io.github.parallel4j.support.ScriptedChatModel.call;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measures the figures quoted in the README: planning time for 1 000 calls, the library's own overhead per call
 * through AiServices, and eight equal reads against one. Not a test: run it on demand with
 * {@code mvn -q -pl langchain4j-parallel-core test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.parallel4j.examples.OverheadMeasurement}. The benchmarks module (JMH) will replace it.
 */
public final class OverheadMeasurement {

    interface Assistant {
        String chat(String message);
    }

    static final class NoOp {
        @Tool @ParallelSafe String a(String x) { return x; }
        @Tool @ParallelSafe String b(String x) { return x; }
    }

    static final class Sleepy {
        @Tool @ParallelSafe String read(String x) throws InterruptedException {
            Thread.sleep(300); // simulated latency
            return x;
        }
    }

    /** Always answers with the same calls until told to stop: a loop model for timing turns. */
    static final class LoopModel implements ChatModel {
        private final List<ToolExecutionRequest> calls;
        private boolean askForTools = true;

        LoopModel(List<ToolExecutionRequest> calls) {
            this.calls = calls;
        }

        @Override
        public synchronized ChatResponse doChat(ChatRequest request) {
            AiMessage message = askForTools ? AiMessage.from(calls) : AiMessage.from("done");
            askForTools = !askForTools;
            return ChatResponse.builder().aiMessage(message).build();
        }
    }

    public static void main(String[] args) {
        System.out.println("java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        planning();
        overhead(1);
        overhead(8);
        overhead(64);
        eightVersusOne();
        budgetLateness();
        truncation();
    }

    private static void truncation() {
        io.github.parallel4j.internal.observe.TruncationMeasurement.print();
    }

    /** A tool that ignores interrupts, waiting on a latch the measurement releases afterwards. */
    static final class Stuck {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Tool @ParallelSafe String stuck(String x) {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // ignores the interrupt on purpose
                }
            }
            return x;
        }
    }

    private static void budgetLateness() {
        java.time.Duration budget = java.time.Duration.ofMillis(100);
        Stuck stuck = new Stuck();
        Assistant assistant = ParallelTools.builder().turnTimeout(budget).build()
                .install(AiServices.builder(Assistant.class), stuck)
                .chatModel(new LoopModel(List.of(call("call_0", "stuck", "{\"x\":\"0\"}")))).build();
        long[] late = new long[50];
        for (int i = 0; i < late.length; i++) {
            long t = System.nanoTime();
            assistant.chat("go");
            late[i] = System.nanoTime() - t - budget.toNanos();
        }
        stuck.release.countDown();
        Arrays.sort(late);
        System.out.printf("turn returned after its 100 ms budget with a tool ignoring the interrupt: "
                + "p50 +%.1f ms, max +%.1f ms (50 turns)%n", late[25] / 1e6, late[49] / 1e6);
    }

    private static void planning() {
        Map<String, ToolPolicy> policies = Map.of(
                "order", ToolPolicy.read("order:{orderId}"), "cancel", ToolPolicy.write("order:{orderId}"),
                "read", ToolPolicy.read());
        List<CallRequest> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            calls.add(switch (i % 4) {
                case 0 -> new CallRequest("call_" + i, "order", "{\"orderId\":\"" + (i % 50) + "\"}");
                case 1 -> new CallRequest("call_" + i, "cancel", "{\"orderId\":\"" + (i % 50) + "\"}");
                case 2 -> new CallRequest("call_" + i, "read", "{\"x\":\"$call_" + (i - 2) + ".orderId\"}");
                default -> new CallRequest("call_" + i, "read", "{}");
            });
        }
        Planner planner = new Planner(1000, policies::get, Planner.UnknownTools.BARRIER);
        for (int i = 0; i < 200; i++) {
            planner.plan(calls);
        }
        long[] samples = new long[200];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            planner.plan(calls);
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        System.out.printf("planning 1000 calls: p50 %.2f ms, p95 %.2f ms%n",
                samples[100] / 1e6, samples[190] / 1e6);
    }

    private static void overhead(int n) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(call("call_" + i, i % 2 == 0 ? "a" : "b", "{\"x\":\"" + i + "\"}"));
        }
        Assistant plain = AiServices.builder(Assistant.class).tools(new NoOp()).chatModel(new LoopModel(calls)).build();
        Assistant parallel = ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), new NoOp()).chatModel(new LoopModel(calls)).build();
        int turns = n >= 64 ? 2_000 : 10_000;
        double plainNanos = perTurn(plain, turns);
        double parallelNanos = perTurn(parallel, turns);
        System.out.printf("%2d no-op calls per turn: LangChain4j alone %.1f us/turn, with the library %.1f us/turn,"
                        + " overhead %.1f us per call%n",
                n, plainNanos / 1e3, parallelNanos / 1e3, (parallelNanos - plainNanos) / n / 1e3);
    }

    private static double perTurn(Assistant assistant, int turns) {
        for (int i = 0; i < turns; i++) {
            assistant.chat("warm up");
        }
        long t = System.nanoTime();
        for (int i = 0; i < turns; i++) {
            assistant.chat("go");
        }
        return (System.nanoTime() - t) / (double) turns;
    }

    private static void eightVersusOne() {
        List<ToolExecutionRequest> one = List.of(call("call_0", "read", "{\"x\":\"0\"}"));
        List<ToolExecutionRequest> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(call("call_" + i, "read", "{\"x\":\"" + i + "\"}"));
        }
        ParallelTools library = ParallelTools.builder().build();
        Assistant single = library.install(AiServices.builder(Assistant.class), new Sleepy())
                .chatModel(new LoopModel(one)).build();
        Assistant many = library.install(AiServices.builder(Assistant.class), new Sleepy())
                .chatModel(new LoopModel(eight)).build();
        single.chat("warm up");
        many.chat("warm up");
        int rounds = 5;
        long t = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            single.chat("go");
        }
        double oneTurn = (System.nanoTime() - t) / (double) rounds;
        t = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            many.chat("go");
        }
        double eightTurn = (System.nanoTime() - t) / (double) rounds;
        System.out.printf("one 300 ms read: %.1f ms/turn; eight 300 ms reads: %.1f ms/turn; ratio %.3f%n",
                oneTurn / 1e6, eightTurn / 1e6, eightTurn / oneTurn);
    }
}
