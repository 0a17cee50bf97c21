package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.service.AiServices;
import java.util.List;

/**
 * Tells a {@link CompensationOrder} where each run of LangChain4j's tool loop ends, from the events LangChain4j
 * fires: LangChain4j's list of calls to undo starts empty in each run, and an invocation may have several.
 *
 * <p>A run ends when the model answers without tool calls (the loop stops; on the streamed path too, before an
 * output guardrail may reprompt), and with the invocation ({@code AiServiceCompleted}, also after a batch that
 * returns at once, or {@code AiServiceError}). A run begins with a model request that does not carry tool results
 * last: the first of an invocation, or an output guardrail's reprompt, which may follow a reprompted run that
 * returned at once. A request inside a run always ends with the results of the batch before it. Should a request
 * transformer append something after them, the reports are dropped early: a rollback then runs its earlier calls'
 * actions in LangChain4j's order (warned about), which never undoes a call LangChain4j would not.
 */
final class ToolLoopRuns {

    private ToolLoopRuns() {}

    /** Registers the listeners on the builder. */
    static void listenOn(AiServices<?> builder, CompensationOrder order) {
        builder.registerListeners(
                (AiServiceResponseReceivedListener) event -> {
                    if (event.response() == null || event.response().aiMessage() == null
                            || !event.response().aiMessage().hasToolExecutionRequests()) {
                        order.runEnded(event.invocationContext());
                    }
                },
                (AiServiceRequestIssuedListener) event -> {
                    if (!endsWithToolResults(event.request())) {
                        order.runEnded(event.invocationContext());
                    }
                },
                (AiServiceCompletedListener) event -> order.runEnded(event.invocationContext()),
                (AiServiceErrorListener) event -> order.runEnded(event.invocationContext()));
    }

    private static boolean endsWithToolResults(ChatRequest request) {
        List<ChatMessage> messages = request == null ? null : request.messages();
        return messages != null && !messages.isEmpty()
                && messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage;
    }
}
