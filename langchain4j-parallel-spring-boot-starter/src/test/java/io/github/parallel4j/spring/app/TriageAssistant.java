package io.github.parallel4j.spring.app;

import dev.langchain4j.service.spring.AiService;

/** An AI service the application never implements: LangChain4j's starter builds it, this library runs its tools. */
@AiService
public interface TriageAssistant {

    String chat(String message);
}
