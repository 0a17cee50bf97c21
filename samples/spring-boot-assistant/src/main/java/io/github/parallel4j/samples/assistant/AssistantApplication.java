package io.github.parallel4j.samples.assistant;

import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A support assistant for an online shop: an {@code @AiService} with several tools behind a REST endpoint. It has
 * no code for parallel execution: the starter on the classpath and {@code application.yml} are all it takes.
 *
 * <p>The model is scripted (offline) unless {@code OPENAI_API_KEY} is set, in which case it talks to
 * {@code OPENAI_BASE_URL} (default OpenAI's) with {@code OPENAI_MODEL} (default gpt-4o-mini).
 */
@SpringBootApplication
public class AssistantApplication {

    public static void main(String[] args) {
        SpringApplication.run(AssistantApplication.class, args);
    }

    /** One memory per conversation id (the REST path's), kept in memory: a sample, not a store. */
    @Bean
    ChatMemoryProvider chatMemoryProvider() {
        return conversationId -> MessageWindowChatMemory.withMaxMessages(30);
    }

    @Bean
    ChatModel chatModel(@Value("${OPENAI_API_KEY:}") String apiKey,
            @Value("${OPENAI_BASE_URL:https://api.openai.com/v1}") String baseUrl,
            @Value("${OPENAI_MODEL:gpt-4o-mini}") String model) {
        if (apiKey.isBlank()) {
            return new ScriptedSupportModel();
        }
        return OpenAiChatModel.builder().apiKey(apiKey).baseUrl(baseUrl).modelName(model).build();
    }
}
