package io.github.parallel4j.spring.app;

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

/**
 * A scripted model that can serve any number of conversations: a user message "hold" asks for the held read; any
 * other user message asks for the four triage reads in one AI message; tool results get a summary of them.
 */
public class TurnScriptModel implements ChatModel {

    @Override
    public ChatResponse doChat(ChatRequest request) {
        ChatMessage last = request.messages().get(request.messages().size() - 1);
        if (last instanceof UserMessage user) {
            List<ToolExecutionRequest> calls = user.singleText().contains("hold")
                    ? List.of(call("h1", "held", "{\"what\":\"x\"}"))
                    : List.of(call("c1", "incident", "{\"id\":\"INC-7\"}"),
                            call("c2", "metrics", "{\"service\":\"checkout\"}"),
                            call("c3", "deploys", "{\"service\":\"checkout\"}"),
                            call("c4", "flags", "{\"service\":\"checkout\"}"));
            return ChatResponse.builder().aiMessage(AiMessage.from(calls)).build();
        }
        List<String> results = new ArrayList<>();
        for (ChatMessage message : request.messages()) {
            if (message instanceof ToolExecutionResultMessage result) {
                results.add(result.text());
            }
        }
        return ChatResponse.builder().aiMessage(AiMessage.from(String.join("\n", results))).build();
    }

    private static ToolExecutionRequest call(String id, String name, String arguments) {
        return ToolExecutionRequest.builder().id(id).name(name).arguments(arguments).build();
    }
}
