package com.example.shop;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.TurnListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** A fresh application: one @AiService, two tools, a scripted model; starts, answers once, stops. */
@SpringBootApplication
public class ShopApplication {

    static final AtomicInteger TURNS = new AtomicInteger();
    static final AtomicInteger CALLS = new AtomicInteger();

    /**
     * @param args optionally the LangChain4j version this library is tested with (the consumer test's build passes
     *     it, for its check; started by hand, the application runs without it)
     */
    public static void main(String[] args) {
        String tested = args.length > 0 ? args[0] : "(not given)";
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ShopApplication.class)
                .web(WebApplicationType.NONE).run(args)) {
            System.out.println("shop: LangChain4j " + langchain4jOnClassPath() + ", tested with " + tested);
            String answer = context.getBean(ShopAssistant.class).chat("Where is order O-1, and who ordered it?");
            System.out.println("shop: " + TURNS.get() + " turn, " + CALLS.get() + " calls through langchain4j-parallel");
            System.out.println("shop: answer: " + answer);
        }
    }

    @Bean
    TurnListener countingTurns() {
        return report -> {
            TURNS.incrementAndGet();
            CALLS.addAndGet(report.calls().size());
        };
    }

    /** Asks for both tools in one message, then answers from their results. */
    @Bean
    ChatModel scriptedModel() {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                List<ChatMessage> messages = request.messages();
                if (messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage) {
                    String results = messages.stream()
                            .filter(ToolExecutionResultMessage.class::isInstance)
                            .map(m -> ((ToolExecutionResultMessage) m).text())
                            .collect(Collectors.joining(" "));
                    String status = results.contains("shipped") ? "shipped" : "unknown";
                    String name = results.contains("Ada") ? "Ada" : "unknown";
                    return answer(AiMessage.from("order O-1 is " + status + "; customer C-7 is " + name));
                }
                return answer(AiMessage.from(List.of(
                        ToolExecutionRequest.builder().id("call_1").name("orderStatus")
                                .arguments("{\"orderId\":\"O-1\"}").build(),
                        ToolExecutionRequest.builder().id("call_2").name("customerName")
                                .arguments("{\"customerId\":\"C-7\"}").build())));
            }
        };
    }

    /** The version of dev.langchain4j:langchain4j on the class path, as its jar records it. */
    private static String langchain4jOnClassPath() {
        Properties pom = new Properties();
        try (InputStream in = AiServices.class.getResourceAsStream(
                "/META-INF/maven/dev.langchain4j/langchain4j/pom.properties")) {
            if (in != null) {
                pom.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version", "?");
    }

    private static ChatResponse answer(AiMessage message) {
        return ChatResponse.builder().aiMessage(message).build();
    }
}
