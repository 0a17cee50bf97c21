package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Cached reads across turns, on a fake clock. */
class ReadCacheTest {

    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    static class Tools {
        final AtomicInteger runs = new AtomicInteger();

        @Tool
        @Writes(resourceKey = "fx:{pair}")
        String setRate(String pair) {
            return "set";
        }

        @Tool
        @ParallelSafe(resourceKey = "fx:{pair}")
        @CacheFor(value = 5, unit = ChronoUnit.MINUTES)
        String fxRate(String pair) {
            return "{\"pair\":\"" + pair + "\",\"rate\":" + (1 + runs.incrementAndGet() / 100.0) + "}";
        }
    }

    private final AtomicLong now = new AtomicLong(1_000);

    /** A model that answers each user message (a currency pair) by calling fxRate, then repeats the result. */
    static final class FxModel implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            ChatMessage last = request.messages().get(request.messages().size() - 1);
            AiMessage answer = last instanceof dev.langchain4j.data.message.UserMessage user
                    ? AiMessage.from(List.of(call("c1", "fxRate", "{\"pair\":\"" + user.singleText() + "\"}")))
                    : AiMessage.from(((ToolExecutionResultMessage) last).text());
            return ChatResponse.builder().aiMessage(answer).build();
        }
    }

    /** One AI service, as an application builds it once: its cache is its own. */
    private static Assistant assistant(ParallelTools parallel, Tools tools) {
        return parallel.install(AiServices.builder(Assistant.class), tools)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50))
                .chatModel(new FxModel()).build();
    }

    @Test
    void should_answer_the_same_read_from_the_cache_until_it_expires_per_conversation() {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().ticker(now::get).build();
        Assistant assistant = assistant(parallel, tools);

        String first = assistant.chat("alice", "EURUSD");
        String again = assistant.chat("alice", "EURUSD");
        assertThat(tools.runs.get()).isEqualTo(1);
        assertThat(again).contains("\"cached\":true").contains("\"rate\":1.01");
        assertThat(first).doesNotContain("cached");

        assistant.chat("bob", "EURUSD");
        assertThat(tools.runs.get()).as("another conversation has its own cache").isEqualTo(2);
        assistant.chat("alice", "GBPUSD");
        assertThat(tools.runs.get()).as("other arguments run").isEqualTo(3);

        now.addAndGet(Duration.ofMinutes(6).toNanos());
        String later = assistant.chat("alice", "EURUSD");
        assertThat(tools.runs.get()).as("expired after five minutes").isEqualTo(4);
        assertThat(later).doesNotContain("cached");
    }

    @Test
    void should_forget_a_cached_read_when_a_write_to_its_key_succeeds() {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().ticker(now::get).build();
        Assistant assistant = assistant(parallel, tools);
        assistant.chat("alice", "EURUSD");
        assistant.chat("alice", "GBPUSD");

        ScriptedChatModel writer = ScriptedChatModel.callsThenSummary(List.of(call("w", "setRate", "{\"pair\":\"EURUSD\"}")));
        parallel.install(AiServices.builder(Assistant.class), tools)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50))
                .chatModel(writer).build().chat("bob", "set it");
        String eur = assistant.chat("alice", "EURUSD");
        String gbp = assistant.chat("alice", "GBPUSD");

        assertThat(eur).as("the write to fx:EURUSD, from another AI service, made its cached read stale").doesNotContain("cached");
        assertThat(gbp).contains("\"cached\":true");
        assertThat(tools.runs.get()).isEqualTo(3);
    }

    /** The same tools, with a write that fails after it may have changed the rate. */
    static class FailingWriteTools extends Tools {
        @Tool
        @Writes(resourceKey = "fx:{pair}")
        String setRateOrFail(String pair) {
            throw new IllegalStateException("the upstream timed out after the write");
        }
    }

    @Test
    void should_forget_a_cached_read_when_a_write_to_its_key_fails() {
        FailingWriteTools tools = new FailingWriteTools();
        ParallelTools parallel = ParallelTools.builder().ticker(now::get).build();
        Assistant assistant = assistant(parallel, tools);
        assistant.chat("alice", "EURUSD");

        ScriptedChatModel writer = ScriptedChatModel.callsThenSummary(
                List.of(call("w", "setRateOrFail", "{\"pair\":\"EURUSD\"}")));
        parallel.install(AiServices.builder(Assistant.class), new FailingWriteTools())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50))
                .chatModel(writer).build().chat("bob", "set it");
        assertThat(ScriptedChatModel.toolResults(writer.lastRequest()).get(0)).contains("TOOL_ERROR");
        String eur = assistant.chat("alice", "EURUSD");

        assertThat(eur).as("a failed write may have changed fx:EURUSD too").doesNotContain("cached");
        assertThat(tools.runs.get()).isEqualTo(2);
    }

    @Test
    void should_share_cached_reads_across_conversations_when_asked() {
        Tools tools = new Tools();
        ParallelTools parallel = ParallelTools.builder().ticker(now::get).shareCachedReads(true).build();
        Assistant assistant = assistant(parallel, tools);

        assistant.chat("alice", "EURUSD");
        assistant.chat("bob", "EURUSD");

        assertThat(tools.runs.get()).isEqualTo(1);
    }

    @Test
    void should_refuse_to_cache_a_write() {
        class Bad {
            @Tool
            @Writes
            @CacheFor(60)
            String post(String text) {
                return "posted";
            }
        }
        assertThatThrownBy(() -> ParallelTools.builder().build().install(AiServices.builder(Assistant.class), new Bad()))
                .hasMessageContaining("Bad.post").hasMessageContaining("only reads may be cached");
    }
}
