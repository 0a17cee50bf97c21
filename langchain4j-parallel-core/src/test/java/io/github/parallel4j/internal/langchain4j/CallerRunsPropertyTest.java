package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ToolCallContext;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the batch (reads and writes of shared keys, references, duplicates, sequential or concurrent LangChain4j),
 * a turn without a budget, whose starting thread runs one call itself, answers every call exactly once and in the
 * model's order, runs at most one call on that thread, and still never overlaps a write with another call of its key.
 */
class CallerRunsPropertyTest {

    interface Assistant {
        String chat(String message);
    }

    /** One call of a batch: a read or a write of key {@code k}, reading an earlier call's output when {@code ref}. */
    record Step(boolean write, String key, boolean ref) {}

    /** Notes, per call id, its thread and its start and end on one logical clock. */
    static final class Tools {
        final AtomicLong clock = new AtomicLong();
        final Map<String, long[]> spans = new ConcurrentHashMap<>();
        final Map<String, Thread> threads = new ConcurrentHashMap<>();

        private String note(String value) {
            String id = ToolCallContext.current().orElseThrow().callId();
            long start = clock.incrementAndGet();
            threads.put(id, Thread.currentThread());
            Thread.yield(); // let another call run into this one, if the plan allows it
            spans.put(id, new long[] {start, clock.incrementAndGet()});
            return value;
        }

        @Tool
        @ParallelSafe(resourceKey = "key:{k}")
        public String read(String k) {
            return note("read " + k);
        }

        @Tool
        @Writes(resourceKey = "key:{k}")
        public String write(String k) {
            return note("wrote " + k);
        }
    }

    @Provide
    Arbitrary<List<Step>> batches() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.of("a", "b"), Arbitraries.integers().between(0, 3).map(n -> n == 0)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 60)
    void every_call_is_answered_once_in_order_and_keys_still_exclude(@ForAll("batches") List<Step> steps,
            @ForAll boolean concurrent) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            // a reference to the previous call's output: its text is no JSON, so the key stays the literal value
            String k = s.ref() && i > 0 ? "$call_" + i : s.key();
            calls.add(ScriptedChatModel.call("call_" + (i + 1), s.write() ? "write" : "read", "{\"k\":\"" + k + "\"}"));
        }
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(calls);
        AiServices<Assistant> builder = ParallelTools.builder().turnTimeout(Duration.ZERO).build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model);
        if (concurrent) {
            builder.executeToolsConcurrently();
        }

        Assistant assistant = builder.build();
        AtomicReference<Thread> caller = new AtomicReference<>();
        // a call held for the caller and never run would leave the turn waiting for ever: fail instead
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            caller.set(Thread.currentThread());
            assistant.chat("go");
        }, "a call was lost");

        List<JsonNode> observations = model.observations();
        assertThat(observations).hasSize(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            JsonNode o = observations.get(i);
            assertThat(o.get("ok").asBoolean()).as("call_%d: %s", i + 1, o).isTrue();
            assertThat(o.get("result").asText()).startsWith(steps.get(i).write() ? "wrote " : "read ");
        }
        // an identical read shares an earlier one's result (deduplication); every other call ran exactly once
        long distinct = calls.stream().map(c -> c.name() + c.arguments()).distinct().count();
        assertThat(tools.spans.size()).isBetween((int) distinct, steps.size());
        long onCaller = tools.threads.values().stream().filter(t -> t == caller.get()).count();
        assertThat(onCaller).as("calls run on the calling thread").isLessThanOrEqualTo(1);
        if (!concurrent) {
            // LangChain4j reaches call_1 first on the caller's thread; it waits for nothing, so that thread runs it
            assertThat(tools.threads.get("call_1")).as("call_1's thread").isSameAs(caller.get());
        }
        for (int i = 0; i < steps.size(); i++) {
            for (int j = i + 1; j < steps.size(); j++) {
                String ki = calls.get(i).arguments();
                String kj = calls.get(j).arguments();
                // a key filled from a reference is known only when its call runs: literal keys are what the plan orders
                boolean literal = !ki.contains("$") && !kj.contains("$");
                long[] a = tools.spans.get("call_" + (i + 1));
                long[] b = tools.spans.get("call_" + (j + 1));
                if (literal && ki.equals(kj) && (steps.get(i).write() || steps.get(j).write()) && a != null
                        && b != null) {
                    assertThat(a[1]).as("call_%d (%s) ends before call_%d (%s) starts", i + 1, steps.get(i), j + 1,
                            steps.get(j)).isLessThan(b[0]);
                }
            }
        }
    }
}
