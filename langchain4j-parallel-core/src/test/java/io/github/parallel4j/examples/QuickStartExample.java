package io.github.parallel4j.examples;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import java.time.Duration;

/**
 * The README's Quick start as one file you can copy: the AI service interface, the tools, a model, the library,
 * the builder. Needs {@code langchain4j-parallel-core} and {@code dev.langchain4j:langchain4j-open-ai}, compiled
 * with {@code -parameters}; run it with {@code OPENAI_API_KEY} set (and, for another OpenAI-compatible endpoint,
 * {@code OPENAI_BASE_URL} and {@code OPENAI_MODEL}). A test compiles it and runs {@link #assistant} on a scripted
 * model.
 */
public class QuickStartExample {

    /** The AI service: LangChain4j implements it. */
    public interface Assistant {
        String chat(String message);
    }

    /** The tools, annotated with what they do; the bodies stand in for real clients. */
    public static class ShopTools {

        @Tool("Order by id")
        @ParallelSafe(resourceKey = "order:{orderId}")                 // a keyed read
        public String order(String orderId) {
            return "{\"orderId\":\"" + orderId + "\",\"status\":\"shipped\",\"customerId\":\"C-7\"}";
        }

        @Tool("Customer by id")
        @ParallelSafe
        @Integration("crm")                                             // its limits: see crm below
        public String customer(String customerId) {
            return "{\"customerId\":\"" + customerId + "\",\"name\":\"Ada\"}";
        }

        @Tool("Cancel an order")
        @Writes(resourceKey = "order:{orderId}")                        // a keyed write: after reads of that order
        public String cancel(String orderId) {
            return "cancelled " + orderId;
        }

        @Tool("Post to the team's Slack channel")
        @Writes                                                         // a keyless write: runs alone
        public String postToSlack(String text) {
            return "posted";
        }
    }

    /**
     * @param model the chat model
     * @return the assistant, its tools run by the library
     */
    public static Assistant assistant(ChatModel model) {
        // one per application, shared: limits and resource locks belong to it
        ParallelTools parallel = ParallelTools.builder()
                .turnTimeout(Duration.ofSeconds(30))
                .integration("crm", IntegrationLimits.builder().maxConcurrent(3).rate(10, Duration.ofSeconds(1)).build())
                .maxObservationChars(8_000)
                .build();
        return parallel.install(AiServices.builder(Assistant.class), new ShopTools())
                .chatModel(model)
                .systemMessageProvider(memoryId -> "You are a shop's support assistant. " + parallel.systemPromptSnippet())
                .build();
    }

    public static void main(String[] args) {
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"))
                .apiKey(System.getenv("OPENAI_API_KEY"))
                .modelName(envOr("OPENAI_MODEL", "gpt-4o-mini"))
                .build();
        System.out.println(assistant(model).chat("Where are orders 42 and 43, and who placed them?"));
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
