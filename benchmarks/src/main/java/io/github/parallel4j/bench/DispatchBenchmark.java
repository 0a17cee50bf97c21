package io.github.parallel4j.bench;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * The library's own cost: one full AI-service turn (a scripted model asks for {@code calls} no-op tool calls,
 * then answers) through {@code ParallelTools.install(AiServices...)}, against the same turn through plain
 * LangChain4j (sequential), and through the library without a turn budget (whose starting thread runs a call
 * itself). The overhead per call is (library − plain) / calls; the report computes it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DispatchBenchmark {

    /** Tool calls per turn. */
    @Param({"1", "8", "64", "1000"})
    public int calls;

    private Assistant plain;
    private Assistant concurrent;
    private Assistant library;
    private Assistant libraryWithoutBudget;

    /** Two read-only tools that return their argument. */
    public static final class NoOpTools {
        /** @param x anything @return x */
        @Tool @ParallelSafe
        public String a(String x) {
            return x;
        }

        /** @param x anything @return x */
        @Tool @ParallelSafe
        public String b(String x) {
            return x;
        }
    }

    /** Builds both AI services over the same scripted turn. */
    @Setup
    public void setUp() {
        List<ToolExecutionRequest> batch = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            batch.add(ToolExecutionRequest.builder().id("call_" + i).name(i % 2 == 0 ? "a" : "b")
                    .arguments("{\"x\":\"" + i + "\"}").build());
        }
        plain = AiServices.builder(Assistant.class).tools(new NoOpTools())
                .chatModel(new TurnModel(text -> batch, false)).build();
        concurrent = AiServices.builder(Assistant.class).tools(new NoOpTools()).executeToolsConcurrently()
                .chatModel(new TurnModel(text -> batch, false)).build();
        // The defaults, but for the batch limit (64 by default), which 1 000 calls would exceed.
        library = ParallelTools.builder().maxBatchSize(Math.max(64, calls)).build()
                .install(AiServices.builder(Assistant.class), new NoOpTools())
                .chatModel(new TurnModel(text -> batch, false)).build();
        // The same without a turn budget: the thread that starts the turn runs one of its calls itself.
        libraryWithoutBudget = ParallelTools.builder().maxBatchSize(Math.max(64, calls)).turnTimeout(Duration.ZERO)
                .build().install(AiServices.builder(Assistant.class), new NoOpTools())
                .chatModel(new TurnModel(text -> batch, false)).build();
    }

    /** @return the answer of a turn through plain LangChain4j */
    @Benchmark
    public String plainLangChain4j() {
        return plain.chat("go");
    }

    /** @return the answer of a turn through plain LangChain4j with {@code executeToolsConcurrently()} */
    @Benchmark
    public String concurrentLangChain4j() {
        return concurrent.chat("go");
    }

    /** @return the answer of a turn through the library */
    @Benchmark
    public String library() {
        return library.chat("go");
    }

    /** @return the answer of a turn through the library with {@code turnTimeout(Duration.ZERO)} */
    @Benchmark
    public String libraryWithoutBudget() {
        return libraryWithoutBudget.chat("go");
    }
}
