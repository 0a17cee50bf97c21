package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DuplicateReadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        @Tool
        @ParallelSafe
        String price(String sku) {
            return "{\"sku\":\"" + sku + "\",\"price\":" + (10 + reads.incrementAndGet()) + "}";
        }

        @Tool
        @Writes
        String audit(String text) {
            writes.incrementAndGet();
            return "logged";
        }
    }


    @Test
    void should_run_identical_reads_once_and_give_each_call_its_observation() throws Exception {
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("a", "price", "{\"sku\":\"X1\"}"),
                call("b", "price", "{\"sku\":\"X1\"}"),
                call("c", "price", "{\"sku\":\"X2\"}"),
                call("d", "price", "{ \"sku\" : \"X1\" }"),
                call("e", "audit", "{\"text\":\"t\"}"),
                call("f", "audit", "{\"text\":\"t\"}")));
        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), tools)
                .chatModel(model).build().chat("go");

        List<JsonNode> observations = model.observations();
        assertThat(tools.reads.get()).as("X1 ran once for three calls, X2 once").isEqualTo(2);
        assertThat(tools.writes.get()).as("writes are never deduplicated").isEqualTo(2);
        assertThat(observations).extracting(o -> o.get("id").asText()).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(observations.get(1).at("/result/price")).isEqualTo(observations.get(0).at("/result/price"));
        assertThat(observations.get(3).at("/result/price")).isEqualTo(observations.get(0).at("/result/price"));
        assertThat(observations.get(1).get("note").asText()).contains("the same call as a");
        assertThat(observations.get(0).has("note")).isFalse();
    }

    @Test
    void should_report_a_shared_read_as_not_run_naming_the_read_it_shared_when_the_turn_ends() throws Exception {
        Tools tools = new Tools();
        CompletableFuture<TurnReport> reported = new CompletableFuture<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("a", "price", "{\"sku\":\"X1\"}"), call("b", "price", "{\"sku\":\"X1\"}")));
        ParallelTools.builder().turnListener(reported::complete).build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model).build().chat("go");

        TurnReport report = reported.get(10, TimeUnit.SECONDS);
        CallReport ran = report.calls().get(0);
        CallReport shared = report.calls().get(1);
        assertThat(ran.started()).isTrue();
        assertThat(ran.attempts()).isEqualTo(1);
        assertThat(ran.sharedWith()).isNull();
        assertThat(shared.ok()).isTrue();
        assertThat(shared.sharedWith()).isEqualTo("a");
        assertThat(shared.started()).as("the shared read did not run a tool of its own").isFalse();
        assertThat(shared.attempts()).isZero();
        assertThat(shared.endNanos()).isEqualTo(ran.endNanos());
        assertThat(report.maxOverlap()).as("one tool ran").isEqualTo(1);
    }

    @Test
    void should_run_every_read_when_deduplication_is_off() {
        Tools tools = new Tools();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("a", "price", "{\"sku\":\"X1\"}"), call("b", "price", "{\"sku\":\"X1\"}")));
        ParallelTools.builder().deduplicateReads(false).build().install(AiServices.builder(Assistant.class), tools)
                .chatModel(model).build().chat("go");

        assertThat(tools.reads.get()).isEqualTo(2);
    }
}
