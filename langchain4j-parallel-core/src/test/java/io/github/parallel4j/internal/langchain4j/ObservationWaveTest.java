package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every observation carries {@code wave}, as the guide promises; a call refused before scheduling says 0. */
class ObservationWaveTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool
        @ParallelSafe
        String lookup(String id) {
            return "{\"x\":\"" + id + "\"}";
        }

        @Tool
        @ParallelSafe
        String count(int n) {
            return "counted " + n;
        }
    }

    private static List<JsonNode> observations(ParallelTools parallel, List<ToolExecutionRequest> calls) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(calls);
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), new Tools())
                .hallucinatedToolNameStrategy(parallel.unknownToolStrategy())
                .chatModel(model)
                .build();
        assistant.chat("go");
        return model.observations();
    }

    @Test
    void should_say_the_wave_of_every_call_and_0_for_an_unknown_tool() {
        List<JsonNode> observations = observations(ParallelTools.builder().build(), List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"),
                call("c2", "count", "{\"n\":\"not a number\"}"),
                call("c3", "hallucinated", "{}"),
                call("c4", "lookup", "{\"id\":\"$c1.x\"}")));

        assertThat(observations).allSatisfy(o -> assertThat(o.has("wave")).as(o.toString()).isTrue());
        assertThat(observations.get(1).get("error_code").asText()).isEqualTo("INVALID_ARGUMENTS");
        assertThat(observations.get(2).get("error_code").asText()).isEqualTo("UNKNOWN_TOOL");
        // arguments are checked when the call runs, so a call with bad ones was planned: it has a wave
        assertThat(observations.get(1).get("wave").asInt()).isEqualTo(1);
        assertThat(observations.get(2).get("wave").asInt()).isZero();
        assertThat(observations.get(0).get("wave").asInt()).isEqualTo(1);
        assertThat(observations.get(3).get("wave").asInt()).isGreaterThan(1); // after c1, whose output it takes
    }

    @Test
    void should_say_wave_0_for_every_call_of_a_cycle() {
        List<JsonNode> observations = observations(ParallelTools.builder().build(), List.of(
                call("c1", "lookup", "{\"id\":\"$c2.x\"}"),
                call("c2", "lookup", "{\"id\":\"$c1.x\"}")));

        assertThat(observations).allSatisfy(o -> {
            assertThat(o.get("error_code").asText()).isEqualTo("CYCLE");
            assertThat(o.has("wave")).as(o.toString()).isTrue();
            assertThat(o.get("wave").asInt()).isZero();
        });
    }

    @Test
    void should_say_wave_0_for_every_call_of_an_oversized_batch() {
        List<JsonNode> observations = observations(ParallelTools.builder().maxBatchSize(2).build(), List.of(
                call("c1", "lookup", "{\"id\":\"1\"}"), call("c2", "lookup", "{\"id\":\"2\"}"),
                call("c3", "lookup", "{\"id\":\"3\"}")));

        assertThat(observations).allSatisfy(o -> {
            assertThat(o.get("error_code").asText()).isEqualTo("BATCH_TOO_LARGE");
            assertThat(o.has("wave")).as(o.toString()).isTrue();
            assertThat(o.get("wave").asInt()).isZero();
        });
    }
}
