package io.github.parallel4j.samples.assistant;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted model, so the sample runs offline: for a user message naming an order ({@code O-123}), it asks for
 * the order, its shipment, its refund eligibility and the customer in one AI message (the customer id is a
 * reference, {@code $call_1.customerId}, to the order's result); if the message asks for a refund, the next AI
 * message asks for it; then it answers with what the tools returned.
 */
public class ScriptedSupportModel implements ChatModel {

    private static final Pattern ORDER = Pattern.compile("O-\\d+");

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        ChatMessage last = messages.get(messages.size() - 1);
        UserMessage user = lastUserMessage(messages);
        String text = user == null ? "" : user.singleText();
        Matcher order = ORDER.matcher(text);
        String orderId = order.find() ? order.group() : null;
        if (last instanceof UserMessage) {
            if (orderId == null) {
                return answer("Which order is it about? Please give me its number, like O-123.");
            }
            return calls(
                    call("call_1", "order", "{\"orderId\":\"" + orderId + "\"}"),
                    call("call_2", "shipment", "{\"orderId\":\"" + orderId + "\"}"),
                    call("call_3", "refundEligibility", "{\"orderId\":\"" + orderId + "\"}"),
                    call("call_4", "customer", "{\"customerId\":\"$call_1.customerId\"}"));
        }
        boolean refunded = messages.stream().anyMatch(m -> m instanceof ToolExecutionResultMessage r
                && r.toolName().equals("refund"));
        if (text.toLowerCase().contains("refund") && !refunded) {
            return calls(call("call_5", "refund", "{\"orderId\":\"" + orderId + "\"}"));
        }
        List<String> results = new ArrayList<>();
        for (ChatMessage message : messages.subList(messages.indexOf(user), messages.size())) {
            if (message instanceof ToolExecutionResultMessage result) {
                results.add(result.toolName() + ": " + result.text());
            }
        }
        return answer("Here is what I found for " + orderId + ":\n" + String.join("\n", results));
    }

    private static UserMessage lastUserMessage(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                return user;
            }
        }
        return null;
    }

    private static ChatResponse calls(ToolExecutionRequest... calls) {
        return ChatResponse.builder().aiMessage(AiMessage.from(List.of(calls))).build();
    }

    private static ChatResponse answer(String text) {
        return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
    }

    private static ToolExecutionRequest call(String id, String name, String arguments) {
        return ToolExecutionRequest.builder().id(id).name(name).arguments(arguments).build();
    }
}
