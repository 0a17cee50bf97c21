package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model reads the rest of a cut result by handle, and only in its own conversation. */
class PagingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FULL = buildText();

    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    static class Tools {
        @Tool
        @ParallelSafe
        String report(String id) {
            return FULL;
        }
    }

    private static String buildText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 6_000; i++) {
            text.append("line ").append(i).append(": all quiet\n");
        }
        return text.toString();
    }

    /** Calls report, then reads the rest by handle until it has it all, then answers with what it reassembled. */
    static final class ReadingModel implements ChatModel {
        private String kept;
        private String handle;
        private int next;

        @Override
        public synchronized ChatResponse doChat(ChatRequest request) {
            List<String> results = ScriptedChatModel.toolResults(request);
            AiMessage message;
            try {
                if (results.isEmpty()) {
                    message = AiMessage.from(List.of(call("c0", "report", "{\"id\":\"r1\"}")));
                } else {
                    JsonNode last = JSON.readTree(results.get(results.size() - 1));
                    if (handle == null) {
                        handle = last.get("handle").asText();
                        String cut = last.get("result").asText();
                        kept = cut.substring(0, cut.lastIndexOf("…[+"));
                    } else {
                        JsonNode slice = last.get("result");
                        kept += slice.get("text").asText();
                        if (!slice.get("more").asBoolean()) {
                            return ChatResponse.builder().aiMessage(AiMessage.from(kept)).build();
                        }
                    }
                    next++;
                    message = AiMessage.from(List.of(call("c" + next, "read_result",
                            "{\"handle\":\"" + handle + "\",\"offset\":" + kept.length() + ",\"length\":100000}")));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return ChatResponse.builder().aiMessage(message).build();
        }
    }

    private static Assistant assistant(ParallelTools parallel, ChatModel model) {
        return parallel.install(AiServices.builder(Assistant.class), new Tools())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(100))
                .chatModel(model)
                .build();
    }

    @Test
    void should_give_the_model_exactly_the_missing_part_by_handle() {
        ParallelTools parallel = ParallelTools.builder().maxObservationChars(1_000)
                .keepTruncatedResults(10_000_000, Duration.ofMinutes(30)).build();

        String reassembled = assistant(parallel, new ReadingModel()).chat("alice", "the report, please");

        assertThat(reassembled).isEqualTo(FULL);
    }

    @Test
    void should_refuse_another_conversations_handle() throws Exception {
        ParallelTools parallel = ParallelTools.builder().maxObservationChars(1_000)
                .keepTruncatedResults(10_000_000, Duration.ofMinutes(30)).build();
        ScriptedChatModel alicesModel = ScriptedChatModel.callsThenSummary(List.of(call("c0", "report", "{\"id\":\"r1\"}")));
        assistant(parallel, alicesModel).chat("alice", "the report");
        String handle = JSON.readTree(ScriptedChatModel.toolResults(alicesModel.lastRequest()).get(0)).get("handle").asText();

        ScriptedChatModel bobsModel = ScriptedChatModel.callsThenSummary(
                List.of(call("c0", "read_result", "{\"handle\":\"" + handle + "\",\"offset\":0}")));
        assistant(parallel, bobsModel).chat("bob", "read alice's report");

        JsonNode refused = JSON.readTree(ScriptedChatModel.toolResults(bobsModel.lastRequest()).get(0));
        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.get("error_code").asText()).isEqualTo("INVALID_ARGUMENTS");
        assertThat(refused.get("error").asText()).contains(handle).contains("in this conversation");
    }

    @Test
    void should_name_no_slice_size_to_the_model_when_one_observation_has_no_cap() {
        ParallelTools parallel = ParallelTools.builder().maxObservationChars(0).maxTurnObservationChars(1_000)
                .keepTruncatedResults(10_000_000, Duration.ofMinutes(30)).build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c0", "report", "{\"id\":\"r1\"}")));

        assistant(parallel, model).chat("alice", "the report, please");

        String description = model.lastRequest().toolSpecifications().stream()
                .filter(spec -> spec.name().equals("read_result")).findFirst().orElseThrow().description();
        assertThat(description).doesNotContain(String.valueOf(Integer.MAX_VALUE)).doesNotContain("at most")
                .contains("from offset");
    }
}
