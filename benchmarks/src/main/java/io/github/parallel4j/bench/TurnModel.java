package io.github.parallel4j.bench;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A scripted model for one-turn conversations: to a user message it answers with the tool calls its script
 * derives from the message's text; to the tool results it answers "done", keeping the results' texts under the
 * user message when asked to. Stateless per request, so one instance serves any number of concurrent
 * conversations.
 */
final class TurnModel implements ChatModel {

    private final Function<String, List<ToolExecutionRequest>> script;
    private final boolean keepResults;
    private final Map<String, List<String>> results = new ConcurrentHashMap<>();

    /**
     * @param script the calls of the turn, from the user message's text
     * @param keepResults whether to keep each conversation's tool results (for checking them afterwards)
     */
    TurnModel(Function<String, List<ToolExecutionRequest>> script, boolean keepResults) {
        this.script = script;
        this.keepResults = keepResults;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        ChatMessage last = messages.get(messages.size() - 1);
        String userText = null;
        List<String> texts = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message instanceof UserMessage user && userText == null) {
                userText = user.singleText();
            } else if (message instanceof ToolExecutionResultMessage result) {
                texts.add(result.text());
            }
        }
        if (last instanceof UserMessage) {
            return ChatResponse.builder().aiMessage(AiMessage.from(script.apply(userText))).build();
        }
        if (keepResults) {
            results.put(userText, texts);
        }
        return ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
    }

    /** @return the tool results the model received in the conversation that began with a message, or empty */
    List<String> results(String userText) {
        return results.getOrDefault(userText, List.of());
    }
}
