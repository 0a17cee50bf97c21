package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-key rates are keyed by the conversation: one chatty conversation cannot use up another's allowance. */
class PerConversationRateTest {

    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    static class Tools {
        @Tool
        @ParallelSafe
        @Integration("search")
        String search(String q) {
            return "hits for " + q;
        }
    }

    private static ScriptedChatModel oneSearch() {
        return new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("c1", "search", "{\"q\":\"x\"}"))),
                request -> AiMessage.from(ScriptedChatModel.toolResults(request).get(0)));
    }

    private static Assistant assistant(ParallelTools parallel, ScriptedChatModel model) {
        return parallel.install(AiServices.builder(Assistant.class), new Tools())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .chatModel(model)
                .build();
    }

    @Test
    void should_rate_limit_each_conversation_on_its_own() {
        ParallelTools parallel = ParallelTools.builder()
                .turnTimeout(Duration.ofSeconds(1))
                .integration("search", IntegrationLimits.builder().perKeyRate(1, Duration.ofMinutes(1)).build())
                .build();

        String alice = assistant(parallel, oneSearch()).chat("alice", "search");
        String bob = assistant(parallel, oneSearch()).chat("bob", "search");
        String aliceAgain = assistant(parallel, oneSearch()).chat("alice", "search again");

        assertThat(alice).contains("\"ok\":true");
        assertThat(bob).contains("\"ok\":true");
        assertThat(aliceAgain).contains("\"error_code\":\"RATE_LIMITED\"").contains("for 'alice'");
    }
}
