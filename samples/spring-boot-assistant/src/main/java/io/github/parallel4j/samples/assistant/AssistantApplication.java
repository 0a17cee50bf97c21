package io.github.parallel4j.samples.assistant;

import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A support assistant for an online shop: an {@code @AiService} with several tools behind a REST endpoint. It has
 * no code for parallel execution: the starter on the classpath and {@code application.yml} are all it takes.
 *
 * <p>The model is scripted (offline) unless {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY} and {@code OPENAI_MODEL}
 * are all set, as for harbor-triage: a key exported for other tools alone must not turn the offline sample into
 * paid calls. When only some are set, it logs which are missing and stays offline.
 */
@SpringBootApplication
public class AssistantApplication {

    private static final Logger LOG = LoggerFactory.getLogger(AssistantApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(AssistantApplication.class, args);
    }

    /** One memory per conversation id (the REST path's), kept in memory: a sample, not a store. */
    @Bean
    ChatMemoryProvider chatMemoryProvider() {
        return conversationId -> MessageWindowChatMemory.withMaxMessages(30);
    }

    @Bean
    ChatModel chatModel(@Value("${OPENAI_BASE_URL:}") String baseUrl, @Value("${OPENAI_API_KEY:}") String apiKey,
            @Value("${OPENAI_MODEL:}") String model) {
        return chooseModel(baseUrl, apiKey, model);
    }

    /**
     * @return an {@code OpenAiChatModel} when all three settings are given, else the scripted model
     */
    static ChatModel chooseModel(String baseUrl, String apiKey, String model) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("OPENAI_BASE_URL", baseUrl);
        settings.put("OPENAI_API_KEY", apiKey);
        settings.put("OPENAI_MODEL", model);
        List<String> missing = settings.entrySet().stream()
                .filter(e -> e.getValue() == null || e.getValue().isBlank()).map(Map.Entry::getKey).toList();
        if (missing.size() == settings.size()) {
            return new ScriptedSupportModel();
        }
        if (!missing.isEmpty()) {
            LOG.warn("Some OPENAI_* variables are set but not {}: staying offline on the scripted model (set all"
                    + " three to use a real model)", String.join(", ", missing));
            return new ScriptedSupportModel();
        }
        return OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(model).build();
    }
}
