package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An {@code IMMEDIATE} tool's own result goes to the application only when LangChain4j returns the batch to the
 * application; when LangChain4j sends it to the model, it is an observation like any other (envelope, limits).
 */
class ImmediateToolsThroughInstallTest {

    interface Assistant {
        Result<String> chat(String message);
    }

    static class Tools {
        @Tool(returnBehavior = ReturnBehavior.IMMEDIATE)
        String add(int a, int b) {
            return String.valueOf(a + b);
        }

        @Tool(returnBehavior = ReturnBehavior.IMMEDIATE_IF_LAST)
        String total(int a, int b) {
            return String.valueOf(a + b);
        }

        @Tool
        String weather(String city) {
            return "sunny in " + city;
        }

        @Tool
        String fail(String why) {
            throw new IllegalStateException(why);
        }
    }

    private static Result<String> run(ScriptedChatModel model) {
        return ParallelTools.builder().observationFormat(ObservationFormat.ENVELOPE).build()
                .install(AiServices.builder(Assistant.class), new Tools())
                .chatModel(model)
                .build()
                .chat("go");
    }

    private static JsonNode observationOf(ScriptedChatModel model, String tool) {
        return model.observations().stream().filter(o -> o.path("tool").asText().equals(tool)).findFirst()
                .orElseThrow(() -> new AssertionError("the model saw no observation of " + tool + ": "
                        + ScriptedChatModel.toolResults(model.lastRequest())));
    }

    @Test
    void should_return_every_immediate_tool_own_result_when_the_whole_batch_is_immediate() {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "add", "{\"a\": 2, \"b\": 2}"), call("c2", "add", "{\"a\": 3, \"b\": 3}")));

        Result<String> result = run(model);

        assertThat(model.requests()).hasSize(1);
        assertThat(result.toolExecutions()).extracting(e -> e.result()).containsExactly("4", "6");
    }

    /** LangChain4j sends the batch to the model: another call failed, another goes to the model, or it is not last. */
    @ParameterizedTest
    @CsvSource({
        "add, fail, {\"why\": \"no\"}",
        "add, weather, {\"city\": \"Rome\"}",
        "total, weather, {\"city\": \"Rome\"}"})
    void should_envelope_an_immediate_result_when_langchain4j_sends_its_batch_to_the_model(String immediate,
            String other, String otherArguments) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", immediate, "{\"a\": 2, \"b\": 2}"), call("c2", other, otherArguments)));

        run(model);

        // The model sees the sum, so it is an observation like any other.
        assertThat(model.requests()).hasSize(2);
        JsonNode sum = observationOf(model, immediate);
        assertThat(sum.get("ok").asBoolean()).isTrue();
        assertThat(sum.get("result").asText()).isEqualTo("4");
    }

    @Test
    void should_return_an_immediate_if_last_tool_own_result_when_it_is_last() {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "weather", "{\"city\": \"Rome\"}"), call("c2", "total", "{\"a\": 2, \"b\": 2}")));

        Result<String> result = run(model);

        assertThat(model.requests()).hasSize(1);
        assertThat(result.toolExecutions().get(1).result()).isEqualTo("4");
    }
}
