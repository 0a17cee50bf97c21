package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.StubOpenAiServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real OpenAI client against a stub server that sends several tool_calls in one message. */
class OpenAiWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final CallLog log = new CallLog();

        @Tool("Weather in a city")
        @ParallelSafe
        String weather(String city) {
            return log.record("weather", city, () -> {
                Thread.sleep(200); // simulated latency
                return "{\"city\":\"" + city + "\",\"celsius\":" + city.length() + "}";
            });
        }
    }

    @Test
    void should_answer_every_tool_call_id_in_order_after_running_the_calls_together() throws Exception {
        Tools tools = new Tools();
        try (StubOpenAiServer server = new StubOpenAiServer(request -> {
            boolean hasToolResults = false;
            for (JsonNode message : request.get("messages")) {
                hasToolResults |= message.path("role").asText().equals("tool");
            }
            return hasToolResults
                    ? StubOpenAiServer.text("It is mild everywhere.")
                    : StubOpenAiServer.toolCalls(
                            new String[] {"call_a", "weather", "{\"city\":\"Oslo\"}"},
                            new String[] {"call_b", "weather", "{\"city\":\"Lima\"}"},
                            new String[] {"call_c", "weather", "{\"city\":\"Nairobi\"}"});
        })) {
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey("test-key")
                    .modelName("gpt-4o-mini")
                    .build();
            Assistant assistant = ParallelTools.builder().build()
                    .install(AiServices.builder(Assistant.class), tools)
                    .chatModel(model)
                    .build();

            String answer = assistant.chat("weather in three cities");

            assertThat(answer).isEqualTo("It is mild everywhere.");
            assertThat(server.requests()).hasSize(2);
            JsonNode tools0 = server.requests().get(0).get("tools");
            assertThat(tools0).hasSize(1);
            assertThat(tools0.get(0).at("/function/name").asText()).isEqualTo("weather");

            List<JsonNode> toolMessages = new ArrayList<>();
            for (JsonNode message : server.requests().get(1).get("messages")) {
                if (message.path("role").asText().equals("tool")) {
                    toolMessages.add(message);
                }
            }
            assertThat(toolMessages).extracting(m -> m.get("tool_call_id").asText())
                    .containsExactly("call_a", "call_b", "call_c");
            JsonNode lima = JSON.readTree(toolMessages.get(1).get("content").asText());
            assertThat(lima.get("ok").asBoolean()).isTrue();
            assertThat(lima.get("id").asText()).isEqualTo("call_b");
            assertThat(lima.at("/result/celsius").asInt()).isEqualTo(4);

            List<CallLog.Interval> intervals = tools.log.intervals();
            assertThat(intervals).hasSize(3);
            for (CallLog.Interval a : intervals) {
                for (CallLog.Interval b : intervals) {
                    assertThat(a.overlaps(b)).as("%s overlaps %s", a, b).isTrue();
                }
            }
        }
    }
}
