package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.ToolTimeout;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Cached reads never leak between users, and never run ahead of a write still holding their key. */
class PrivacyAndOrderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message); // no @MemoryId: LangChain4j gives every call the memory id "default"
    }

    static class Tools {
        final AtomicReference<String> user = new AtomicReference<>();
        final AtomicReference<String> status = new AtomicReference<>("OPEN");

        @Tool
        @ParallelSafe
        @CacheFor(value = 10, unit = ChronoUnit.MINUTES)
        String myProfile() {
            return "{\"user\":\"" + user.get() + "\"}";
        }

        @Tool
        @ParallelSafe(resourceKey = "order:{id}")
        @CacheFor(value = 10, unit = ChronoUnit.MINUTES)
        String orderStatus(String id) {
            return "{\"status\":\"" + status.get() + "\"}";
        }

        @Tool
        @Writes(resourceKey = "order:{id}")
        @ToolTimeout(value = 100, unit = ChronoUnit.MILLIS)
        String cancel(String id) {
            // Slow, and deaf to the timeout's interrupt: it sleeps its 400 ms out whatever happens, without a CPU.
            long until = System.nanoTime() + 400_000_000L;
            boolean interrupted = false;
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    interrupted = true; // heard, and ignored until it is done
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            status.set("CANCELLED");
            return "cancelled";
        }
    }

    private static List<String> run(ParallelTools parallel, Tools tools, List<dev.langchain4j.agent.tool.ToolExecutionRequest> calls) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(calls);
        parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build().chat("go");
        return ScriptedChatModel.toolResults(model.lastRequest());
    }

    @Test
    void should_not_share_cached_reads_between_invocations_that_name_no_conversation() {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().build();

        tools.user.set("alice");
        run(parallel, tools, List.of(call("c1", "myProfile", "{}")));
        tools.user.set("bob");
        String bobs = run(parallel, tools, List.of(call("c1", "myProfile", "{}"))).get(0);

        assertThat(bobs).contains("bob").doesNotContain("cached");
    }

    @Test
    void should_not_answer_from_the_cache_while_a_timed_out_write_still_holds_the_key() throws Exception {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().shareCachedReads(true).build();
        run(parallel, tools, List.of(call("c1", "orderStatus", "{\"id\":\"1\"}")));

        List<String> results = run(parallel, tools, List.of(
                call("w", "cancel", "{\"id\":\"1\"}"), call("r", "orderStatus", "{\"id\":\"1\"}")));

        assertThat(JSON.readTree(results.get(0)).get("error_code").asText()).isEqualTo("TIMEOUT");
        JsonNode read = JSON.readTree(results.get(1));
        assertThat(read.has("cached")).isFalse();
        assertThat(read.at("/result/status").asText()).isEqualTo("CANCELLED");
    }
}
