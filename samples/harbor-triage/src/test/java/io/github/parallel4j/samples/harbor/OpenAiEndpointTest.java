package io.github.parallel4j.samples.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.support.StubOpenAiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the {@code OPENAI_*} variables set, the demo talks to that endpoint through {@code langchain4j-open-ai}:
 * here a stub on 127.0.0.1 that answers the first request with ten tool calls in one message.
 */
class OpenAiEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers like a tool-calling model: every read at once, then the Slack post, then the answer. */
    private static com.fasterxml.jackson.databind.node.ObjectNode script(JsonNode request) {
        boolean posted = false;
        boolean anyToolResult = false;
        for (JsonNode message : request.get("messages")) {
            anyToolResult |= message.path("role").asText().equals("tool");
            for (JsonNode call : message.path("tool_calls")) {
                posted |= call.at("/function/name").asText().equals("postSlackSummary");
            }
        }
        if (posted) {
            return StubOpenAiServer.text("Likely the tax engine flag; summary posted.");
        }
        if (anyToolResult) {
            return StubOpenAiServer.toolCalls(new String[] {"call_post", "postSlackSummary",
                    "{\"channel\":\"#inc-4211\",\"text\":\"INC-4211: p99 up since deploy 9f2c1e7\"}"});
        }
        List<String[]> reads = new ArrayList<>();
        for (ToolExecutionRequest read : ScriptedTriageModel.reads()) {
            reads.add(new String[] {read.id(), read.name(), read.arguments()});
        }
        return StubOpenAiServer.toolCalls(reads.toArray(new String[0][]));
    }

    @Test
    void should_run_a_multi_call_turn_from_an_openai_endpoint_in_parallel() throws Exception {
        try (StubOpenAiServer server = new StubOpenAiServer(OpenAiEndpointTest::script)) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", server.baseUrl(), "OPENAI_API_KEY", "test-key",
                    "OPENAI_MODEL", "gpt-4o-mini");
            ModelChoice model = ModelChoice.from(env::get, false);
            assertThat(model.scripted()).isFalse();
            assertThat(model.describe()).isEqualTo("gpt-4o-mini at " + server.baseUrl());

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            TriageComparison comparison = new TriageDemo(
                    new TriageOptions(0.1, Path.of("target", "harbor-triage-openai-timeline.html"), false, false),
                    model, new PrintStream(captured, true, StandardCharsets.UTF_8)).run();

            // three requests per run: the reads, the post, the answer
            assertThat(server.requests()).hasSize(6);
            JsonNode first = server.requests().get(3);
            assertThat(first.get("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(first.get("tools")).hasSize(9);

            List<JsonNode> toolMessages = new ArrayList<>();
            for (JsonNode message : server.requests().get(4).get("messages")) {
                if (message.path("role").asText().equals("tool")) {
                    toolMessages.add(message);
                }
            }
            assertThat(toolMessages).extracting(m -> m.get("tool_call_id").asText()).containsExactly("call_1",
                    "call_2", "call_3", "call_4", "call_5", "call_6", "call_7", "call_8", "call_9", "call_10");
            for (JsonNode message : toolMessages) {
                JsonNode observation = JSON.readTree(message.get("content").asText());
                assertThat(observation.get("ok").asBoolean()).as("%s", observation).isTrue();
            }
            JsonNode p99 = JSON.readTree(toolMessages.get(1).get("content").asText());
            assertThat(p99.at("/result/now").asInt()).isEqualTo(2310);

            TriageRun parallel = comparison.parallel();
            assertThat(parallel.turns()).hasSize(2);
            assertThat(parallel.turns().get(0).calls()).hasSize(10);
            assertThat(parallel.peakReadConcurrency()).isGreaterThanOrEqualTo(4);
            assertThat(parallel.posted()).containsExactly("#inc-4211: INC-4211: p99 up since deploy 9f2c1e7");
            assertThat(parallel.answer()).isEqualTo("Likely the tax engine flag; summary posted.");
            assertThat(comparison.serial().spans()).hasSize(11);
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("on the gpt-4o-mini at http://127.0.0.1:");
        }
    }

    @Test
    void should_stay_on_the_scripted_model_unless_all_three_variables_are_set() {
        ModelChoice none = ModelChoice.from(name -> null, false);
        assertThat(none.scripted()).isTrue();
        assertThat(none.note()).isEmpty();
        assertThat(none.newModel()).isInstanceOf(ScriptedTriageModel.class);

        ModelChoice partial = ModelChoice.from(Map.of("OPENAI_API_KEY", "sk-x")::get, false);
        assertThat(partial.scripted()).isTrue();
        assertThat(partial.note()).hasValue(
                "some OPENAI_* variables are set but not OPENAI_BASE_URL, OPENAI_MODEL: using the scripted model");

        Map<String, String> all = Map.of("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", "OPENAI_API_KEY", "k",
                "OPENAI_MODEL", "m");
        ModelChoice forced = ModelChoice.from(all::get, true);
        assertThat(forced.scripted()).isTrue();
        assertThat(forced.note()).hasValue("--scripted: ignoring the OPENAI_* variables");
    }
}
