package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Five parallel 50 KB results can no longer blow the context in one turn. */
class ObservationBudgetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool
        @ParallelSafe
        List<Map<String, Object>> logs(String service) {
            List<Map<String, Object>> lines = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                lines.add(Map.of("n", i, "line", service + " " + "z".repeat(80)));
            }
            return lines; // about 50 KB of JSON
        }

        @Tool
        @ParallelSafe
        String status(String service) {
            return "{\"service\":\"" + service + "\",\"up\":true}";
        }
    }

    private static List<ToolExecutionRequest> batch() {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(call("logs_" + i, "logs", "{\"service\":\"svc" + i + "\"}"));
        }
        calls.add(call("status", "status", "{\"service\":\"svc0\"}"));
        return calls;
    }

    @Test
    void should_share_the_turn_budget_fairly_and_keep_every_observation_valid_and_honest() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(batch());
        ParallelTools.builder().maxObservationChars(16_000).maxTurnObservationChars(30_000).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");

        List<String> texts = ScriptedChatModel.toolResults(model.lastRequest());
        assertThat(texts.stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(30_000);
        JsonNode status = JSON.readTree(texts.get(5));
        assertThat(status.has("truncated")).as("a small result stays whole").isFalse();
        assertThat(status.at("/result/up").asBoolean()).isTrue();
        for (int i = 0; i < 5; i++) {
            JsonNode logs = JSON.readTree(texts.get(i));
            assertThat(logs.get("truncated").asBoolean()).isTrue();
            assertThat(logs.get("original_size").asInt()).isGreaterThan(45_000);
            assertThat(logs.get("result").isArray()).as("still the JSON array it was").isTrue();
            assertThat(logs.get("result").get(0).get("n").asInt()).isZero();
            assertThat(texts.get(i).length()).isBetween(4_000, 6_000);
        }
    }

    /** About three characters a token, and every digit a token of its own: a skewed text needs a second pass. */
    static final class RoughTokens implements dev.langchain4j.model.TokenCountEstimator {
        @Override
        public int estimateTokenCountInText(String text) {
            int digits = (int) text.chars().filter(Character::isDigit).count();
            return (text.length() - digits) / 3 + digits;
        }

        @Override
        public int estimateTokenCountInMessage(dev.langchain4j.data.message.ChatMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int estimateTokenCountInMessages(Iterable<dev.langchain4j.data.message.ChatMessage> messages) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void should_cut_observations_to_a_token_limit_when_an_estimator_is_given() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(batch());
        RoughTokens tokens = new RoughTokens();
        ParallelTools.builder().maxTurnObservationChars(0).maxObservationTokens(1_000, tokens).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");

        List<String> texts = ScriptedChatModel.toolResults(model.lastRequest());
        for (int i = 0; i < 5; i++) {
            assertThat(tokens.estimateTokenCountInText(texts.get(i))).isBetween(500, 1_000);
            assertThat(JSON.readTree(texts.get(i)).get("truncated").asBoolean()).isTrue();
        }
        assertThat(JSON.readTree(texts.get(5)).has("truncated")).isFalse();
    }

    @Test
    void should_never_cut_a_tool_that_opted_out() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(batch());
        ParallelTools.builder().maxObservationChars(1_000).toolObservationChars("logs", 0).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");

        List<String> texts = ScriptedChatModel.toolResults(model.lastRequest());
        assertThat(JSON.readTree(texts.get(0)).has("truncated")).isFalse();
        assertThat(texts.get(0).length()).isGreaterThan(45_000);
    }

    @Test
    void should_cut_only_to_the_turn_budget_when_max_observation_chars_is_zero() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("one", "logs", "{\"service\":\"a\"}")));
        ParallelTools.builder().maxObservationChars(0).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        assertThat(JSON.readTree(ScriptedChatModel.toolResults(model.lastRequest()).get(0)).has("truncated")).isFalse();

        ScriptedChatModel turn = ScriptedChatModel.callsThenSummary(batch());
        ParallelTools.builder().maxObservationChars(0).maxTurnObservationChars(30_000).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(turn).build().chat("go");
        List<String> texts = ScriptedChatModel.toolResults(turn.lastRequest());
        assertThat(texts.stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(30_000);
        assertThat(JSON.readTree(texts.get(0)).get("truncated").asBoolean()).isTrue();
    }

    @Test
    void should_give_langchain4j_plain_results_in_raw_mode() {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("s", "status", "{\"service\":\"svc0\"}"), call("x", "status", "{\"nope\":")));
        ParallelTools.builder().observationFormat(ObservationFormat.RAW).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");

        List<String> texts = ScriptedChatModel.toolResults(model.lastRequest());
        assertThat(texts.get(0)).isEqualTo("{\"service\":\"svc0\",\"up\":true}");
        assertThat(texts.get(1)).startsWith("the arguments are not valid JSON");
    }
}
