package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.StubStreamingOpenAiServer;
import io.github.parallel4j.support.StubStreamingOpenAiServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@code OpenAiStreamingChatModel} against a stub server that streams {@code tool_calls} deltas slowly (the
 * arguments in pieces, and a gap the server holds until the first tool has started): the first call runs before the
 * message is complete, a later call's reference to it is filled, a write to the order it read waits for it, and the
 * message is one turn.
 */
class OpenAiStreamedMessageWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A continuation delta of tool call {@code index}: more of its arguments, without its id or name. */
    private static ObjectNode argumentsDelta(int index, String fragment) {
        ObjectNode chunk = StubStreamingOpenAiServer.toolCallChunk(index, "x", "x", fragment);
        ObjectNode call = (ObjectNode) chunk.get("choices").get(0).get("delta").get("tool_calls").get(0);
        call.remove("id");
        call.remove("type");
        ((ObjectNode) call.get("function")).remove("name");
        return chunk;
    }

    @Test
    void should_run_each_streamed_call_as_it_completes_within_one_turn() throws Exception {
        StreamedMessageTest.Tools tools = new StreamedMessageTest.Tools();
        CompletableFuture<Boolean> firstStartedEarly = new CompletableFuture<>();
        List<Long> completeSentAt = new CopyOnWriteArrayList<>();
        List<ObjectNode> chunks = List.of(
                StubStreamingOpenAiServer.toolCallChunk(0, "call_1", "order", "{\"orderId\":"),
                argumentsDelta(0, "\"1\"}"),
                StubStreamingOpenAiServer.toolCallChunk(1, "call_2", "order", "{\"orderId\":\"$call_1.next\"}"),
                StubStreamingOpenAiServer.toolCallChunk(2, "call_3", "cancel", "{\"orderId\":"),
                argumentsDelta(2, "\"1\"}"),
                StubStreamingOpenAiServer.finishChunk("tool_calls"));
        try (StubStreamingOpenAiServer server = new StubStreamingOpenAiServer(request -> {
            for (JsonNode message : request.get("messages")) {
                if (message.path("role").asText().equals("tool")) {
                    return new Reply(List.of(StubStreamingOpenAiServer.textChunk("done", true)), null);
                }
            }
            return new Reply(chunks, null, i -> {
                if (i == 3) { // call_1 is complete (the next call began); hold the stream until it has started
                    try {
                        firstStartedEarly.complete(tools.started("order 1").await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        firstStartedEarly.complete(false);
                        Thread.currentThread().interrupt();
                    }
                }
                if (i == chunks.size() - 1) {
                    completeSentAt.add(System.nanoTime());
                }
            });
        })) {
            OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey("test-key")
                    .modelName("gpt-4o-mini")
                    .build();
            List<TurnReport> reports = new CopyOnWriteArrayList<>();
            StreamedMessageTest.StreamingAssistant assistant = ParallelTools.builder().turnListener(reports::add)
                    .build()
                    .install(AiServices.builder(StreamedMessageTest.StreamingAssistant.class), tools)
                    .streamingChatModel(model)
                    .executeToolsConcurrently()
                    .build();
            CompletableFuture<String> answer = new CompletableFuture<>();

            assistant.chat("look up order 1, its next order, and cancel order 1").onPartialResponse(p -> {})
                    .onError(answer::completeExceptionally)
                    .onCompleteResponse(r -> answer.complete(r.aiMessage().text())).start();

            assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(firstStartedEarly.get(10, TimeUnit.SECONDS)).as("call_1 started while the stream held").isTrue();
            CallLog.Interval first = tools.log.intervals().stream()
                    .filter(i -> i.name().equals("order") && i.detail().equals("1")).findFirst().orElseThrow();
            CallLog.Interval cancel = tools.log.only("cancel");
            assertThat(first.start()).isLessThan(completeSentAt.get(0));
            assertThat(first.end()).as("the write waits for the read before it").isLessThanOrEqualTo(cancel.start());
            assertThat(tools.log.intervals()).as("each call ran once").hasSize(3);
            List<JsonNode> observations = new ArrayList<>();
            for (JsonNode message : server.requests().get(1).get("messages")) {
                if (message.path("role").asText().equals("tool")) {
                    observations.add(JSON.readTree(message.get("content").asText()));
                }
            }
            assertThat(observations).extracting(o -> o.get("id").asText())
                    .containsExactly("call_1", "call_2", "call_3");
            assertThat(observations).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
            assertThat(observations.get(1).toString()).contains("\"orderId\":\"10\"");
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).calls()).hasSize(3);
        }
    }
}
