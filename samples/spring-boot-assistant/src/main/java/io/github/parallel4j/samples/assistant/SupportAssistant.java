package io.github.parallel4j.samples.assistant;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.spring.AiService;

/** The AI service: LangChain4j's starter implements it; every {@code @Tool} bean is wired in automatically. */
@AiService
public interface SupportAssistant {

    @SystemMessage("You are the support assistant of an online shop. Look up everything you need in one go: you may"
            + " call several tools at once. Refund only when the customer asks for it and the order is eligible.")
    String chat(@MemoryId String conversationId, @UserMessage String message);
}
