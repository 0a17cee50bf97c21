package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.CacheFor;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cached reads and kept results stay with the tool instance (its installation) and the conversation that made
 * them; without a memory id, with the invocation. Per-key rates without a memory id are per invocation.
 */
class ResultScopesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BIG = "x".repeat(5_000);

    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    interface Anonymous {
        String chat(String message);
    }

    /** One tenant's tools: the same class for every tenant, answering with the tenant's own data. */
    static class TenantTools {
        final String tenant;
        final AtomicInteger runs = new AtomicInteger();

        TenantTools(String tenant) {
            this.tenant = tenant;
        }

        @Tool
        @ParallelSafe
        @CacheFor(value = 5, unit = ChronoUnit.MINUTES)
        String balance(String account) {
            runs.incrementAndGet();
            return tenant + ":" + account;
        }

        @Tool
        @ParallelSafe
        String report(String id) {
            return tenant + BIG;
        }

        @Tool
        @ParallelSafe
        @Integration("search")
        String search(String q) {
            return "hits for " + q;
        }
    }

    private static Assistant assistant(ParallelTools parallel, Object tools, ScriptedChatModel model) {
        return parallel.install(AiServices.builder(Assistant.class), tools)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50))
                .chatModel(model).build();
    }

    private static ScriptedChatModel balanceOnce() {
        return ScriptedChatModel.callsThenSummary(List.of(call("c1", "balance", "{\"account\":\"42\"}")));
    }

    @Test
    void should_not_answer_one_tenants_read_from_another_tenants_cache() {
        ParallelTools parallel = ParallelTools.builder().build();
        TenantTools acme = new TenantTools("acme");
        TenantTools globex = new TenantTools("globex");

        String fromAcme = assistant(parallel, acme, balanceOnce()).chat("user-1", "balance");
        String fromGlobex = assistant(parallel, globex, balanceOnce()).chat("user-1", "balance");

        assertThat(fromAcme).contains("acme:42");
        assertThat(fromGlobex).as("same tool name, memory id and arguments, another tool instance")
                .contains("globex:42").doesNotContain("acme").doesNotContain("cached");
        assertThat(globex.runs.get()).isEqualTo(1);
    }

    @Test
    void should_not_share_cached_reads_between_two_ai_services_of_one_parallel_tools() {
        ParallelTools parallel = ParallelTools.builder().shareCachedReads(true).build();
        TenantTools tools = new TenantTools("acme");

        assistant(parallel, tools, balanceOnce()).chat("user-1", "balance");
        String other = assistant(parallel, tools, balanceOnce()).chat("user-2", "balance");

        assertThat(tools.runs.get()).as("each AI service has its own cache, even shared by conversations").isEqualTo(2);
        assertThat(other).doesNotContain("cached");
    }

    @Test
    void should_refuse_a_handle_kept_by_another_ai_service_in_the_same_conversation() throws Exception {
        ParallelTools parallel = ParallelTools.builder().maxObservationChars(1_000)
                .keepTruncatedResults(1_000_000, Duration.ofMinutes(30)).build();
        ScriptedChatModel acmeModel = ScriptedChatModel.callsThenSummary(List.of(call("c0", "report", "{\"id\":\"r\"}")));
        assistant(parallel, new TenantTools("acme"), acmeModel).chat("user-1", "the report");
        String handle = JSON.readTree(ScriptedChatModel.toolResults(acmeModel.lastRequest()).get(0)).get("handle")
                .asText();

        ScriptedChatModel globexModel = ScriptedChatModel.callsThenSummary(
                List.of(call("c0", "read_result", "{\"handle\":\"" + handle + "\",\"offset\":0}")));
        assistant(parallel, new TenantTools("globex"), globexModel).chat("user-1", "read it");

        JsonNode refused = globexModel.observations().get(0);
        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.get("error").asText()).contains(handle);
    }

    @Test
    void should_read_a_kept_result_in_the_invocation_that_got_its_handle_when_there_is_no_memory_id()
            throws Exception {
        ParallelTools parallel = ParallelTools.builder().maxObservationChars(1_000)
                .keepTruncatedResults(1_000_000, Duration.ofMinutes(30)).build();
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("c0", "report", "{\"id\":\"r\"}"))),
                request -> AiMessage.from(List.of(call("c1", "read_result",
                        "{\"handle\":\"" + handleIn(request) + "\",\"offset\":4000,\"length\":100}"))),
                request -> AiMessage.from("done"));
        Anonymous assistant = parallel.install(AiServices.builder(Anonymous.class), new TenantTools("acme"))
                .chatModel(model).build();

        assistant.chat("the report");

        JsonNode slice = model.observations().get(1);
        assertThat(slice.get("ok").asBoolean()).as(slice.toString()).isTrue();
        assertThat(slice.at("/result/text").asText()).isEqualTo("x".repeat(100));
    }

    @Test
    void should_not_read_a_kept_result_from_another_invocation_when_there_is_no_memory_id() throws Exception {
        ParallelTools parallel = ParallelTools.builder().maxObservationChars(1_000)
                .keepTruncatedResults(1_000_000, Duration.ofMinutes(30)).build();
        TenantTools tools = new TenantTools("acme");
        ScriptedChatModel first = ScriptedChatModel.callsThenSummary(List.of(call("c0", "report", "{\"id\":\"r\"}")));
        AiServices<Anonymous> builder = AiServices.builder(Anonymous.class);
        Anonymous assistant = parallel.install(builder, tools).chatModel(first).build();
        assistant.chat("the report");
        String handle = handleIn(first.lastRequest());

        ScriptedChatModel second = ScriptedChatModel.callsThenSummary(
                List.of(call("c0", "read_result", "{\"handle\":\"" + handle + "\",\"offset\":0}")));
        parallel.install(AiServices.builder(Anonymous.class), tools).chatModel(second).build().chat("read it");

        assertThat(second.observations().get(0).get("ok").asBoolean()).isFalse();
    }

    private static String handleIn(dev.langchain4j.model.chat.request.ChatRequest request) {
        try {
            return JSON.readTree(ScriptedChatModel.toolResults(request).get(0)).get("handle").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void should_rate_limit_each_invocation_on_its_own_when_there_is_no_memory_id() {
        ParallelTools parallel = ParallelTools.builder()
                .turnTimeout(Duration.ofMillis(500))
                .integration("search", IntegrationLimits.builder().perKeyRate(1, Duration.ofMinutes(1)).build())
                .build();
        ScriptedChatModel alice = ScriptedChatModel.callsThenSummary(List.of(call("c1", "search", "{\"q\":\"a\"}")));
        ScriptedChatModel bob = ScriptedChatModel.callsThenSummary(List.of(call("c1", "search", "{\"q\":\"b\"}")));
        ScriptedChatModel twice = new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("c1", "search", "{\"q\":\"c\"}"))),
                request -> AiMessage.from(List.of(call("c2", "search", "{\"q\":\"d\"}"))),
                request -> AiMessage.from(String.join("\n", ScriptedChatModel.toolResults(request))));

        String first = parallel.install(AiServices.builder(Anonymous.class), new TenantTools("t")).chatModel(alice)
                .build().chat("search");
        String second = parallel.install(AiServices.builder(Anonymous.class), new TenantTools("t")).chatModel(bob)
                .build().chat("search");
        String again = parallel.install(AiServices.builder(Anonymous.class), new TenantTools("t")).chatModel(twice)
                .build().chat("search twice");

        assertThat(first).contains("\"ok\":true");
        assertThat(second).as("another user's invocation has its own allowance").contains("\"ok\":true");
        assertThat(again).as("one invocation's second search is over its allowance")
                .contains("\"ok\":true").contains("\"error_code\":\"RATE_LIMITED\"");
    }
}
