package io.github.parallel4j.spring.app;

import dev.langchain4j.model.chat.ChatModel;
import io.github.parallel4j.support.CallLog;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** An application with one {@code @AiService}, its tools as a bean, and a scripted model: no API key needed. */
@SpringBootApplication
public class TriageApplication {

    @Bean
    ChatModel chatModel() {
        return new TurnScriptModel();
    }

    @Bean
    CallLog callLog() {
        return new CallLog();
    }

    @Bean
    ReportedTurns reportedTurns() {
        return new ReportedTurns();
    }

    @Bean
    RecordingObservationHandler recordingObservationHandler() {
        return new RecordingObservationHandler();
    }
}
