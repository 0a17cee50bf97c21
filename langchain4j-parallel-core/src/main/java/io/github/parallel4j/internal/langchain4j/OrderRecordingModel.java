package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.List;
import java.util.Set;

/**
 * The AI service's streaming model, as the library puts it in place: it streams exactly as the model does, and
 * records on the stream's thread, for each message, the order in which the model completed its tool calls and the
 * complete message ({@link StreamedMessage}), before LangChain4j's handler sees them. LangChain4j hands each call to
 * its executor from that handler, in that order, but its threads may reach the library in another.
 *
 * <p>Every method forwards to the model; every handler event is forwarded on the thread it came on, unchanged but for
 * the {@link StreamingHandle} of a partial response's, thinking's or tool call's context: cancelling the stream through
 * it fails the invocation first (LangChain4j then fires no event: without this, the calls of the open batch would wait
 * for calls that never come), so that nothing of it still waiting starts.
 */
final class OrderRecordingModel implements StreamingChatModel {

    private final StreamingChatModel model;
    private final StreamedMessages messages;

    OrderRecordingModel(StreamingChatModel model, StreamedMessages messages) {
        this.model = model;
        this.messages = messages;
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        model.chat(request, recording(handler, request));
    }

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        model.chat(request, options, recording(handler, request));
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        model.doChat(request, recording(handler, request));
    }

    @Override
    public void chat(String userMessage, StreamingChatResponseHandler handler) {
        model.chat(userMessage, recording(handler, null));
    }

    @Override
    public void chat(List<ChatMessage> messages, StreamingChatResponseHandler handler) {
        model.chat(messages, recording(handler, null));
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return model.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return model.listeners();
    }

    @Override
    public ModelProvider provider() {
        return model.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return model.supportedCapabilities();
    }

    /** @return the model this one streams with */
    StreamingChatModel model() {
        return model;
    }

    @Override
    public String toString() {
        return model.toString();
    }

    private StreamingChatResponseHandler recording(StreamingChatResponseHandler handler, ChatRequest request) {
        // Another installation's wrapper records for that installation only: this one records too.
        return handler instanceof Recording recording && recording.owner() == this ? handler
                : new Recording(handler, new StreamedMessage(BatchCapture.offeredTools(request)));
    }

    /** One message's handler: records, then forwards. */
    private final class Recording implements StreamingChatResponseHandler {
        private final StreamingChatResponseHandler handler;
        private final StreamedMessage message;

        Recording(StreamingChatResponseHandler handler, StreamedMessage message) {
            this.handler = handler;
            this.message = message;
        }

        /** @return the wrapper this handler records for */
        OrderRecordingModel owner() {
            return OrderRecordingModel.this;
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            ToolExecutionRequest request = completeToolCall == null ? null : completeToolCall.toolExecutionRequest();
            if (request != null) {
                message.announce(request);
                messages.record(request, message);
            }
            // Captured once per message, here on the stream's thread, for its tools and for a handed-over task.
            CapturedContext context = message.context(messages::capture);
            NoCallerRunsExecutor.fromStream(context, () -> handler.onCompleteToolCall(completeToolCall));
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            AiMessage ai = completeResponse == null ? null : completeResponse.aiMessage();
            if (ai != null && ai.hasToolExecutionRequests()) {
                List<ToolExecutionRequest> calls = ai.toolExecutionRequests();
                calls.forEach(request -> messages.record(request, message));
                message.context(messages::capture); // on the stream's thread, when no call was completed alone
                message.complete(calls);
            }
            handler.onCompleteResponse(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            handler.onError(error);
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            handler.onPartialResponse(partialResponse);
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            handler.onPartialResponse(partialResponse, context == null ? null
                    : new PartialResponseContext(cancelling(context.streamingHandle())));
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            handler.onPartialThinking(partialThinking);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            handler.onPartialThinking(partialThinking, context == null ? null
                    : new PartialThinkingContext(cancelling(context.streamingHandle())));
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            handler.onPartialToolCall(partialToolCall);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            handler.onPartialToolCall(partialToolCall, context == null ? null
                    : new PartialToolCallContext(cancelling(context.streamingHandle())));
        }

        /** The stream's handle, failing the invocation before the stream is cancelled. */
        private StreamingHandle cancelling(StreamingHandle handle) {
            return new StreamingHandle() {
                @Override
                public void cancel() {
                    messages.cancelled(message);
                    handle.cancel();
                }

                @Override
                public boolean isCancelled() {
                    return handle.isCancelled();
                }
            };
        }

        @Override
        public void onUnmappedRawEvent(Object rawEvent) {
            handler.onUnmappedRawEvent(rawEvent);
        }
    }
}
