package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.service.AiServiceContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.tool.ToolService;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an AI service is configured, as far as a turn needs to know: whether LangChain4j runs a message's calls
 * at once ({@code executeToolsConcurrently()}), whether it streams, and which tools it can run (more than it
 * offers the model when a tool search strategy narrows them). Read from the builder's {@link AiServiceContext}
 * each time it is asked, since the builder may be configured further after the library was installed on it.
 *
 * <p>{@code AiServices} keeps its context in a protected field and has no getter; the library reads it once by
 * reflection. Should that fail (a future LangChain4j), the answers are the cautious ones: concurrent, streaming,
 * and no tool known beyond those offered.
 */
final class AiServiceConfig {

    private static final Logger log = LoggerFactory.getLogger(AiServiceConfig.class);

    /** Nothing known: the cautious answers. */
    static final AiServiceConfig UNKNOWN = new AiServiceConfig(null);

    private final AiServiceContext context;

    private AiServiceConfig(AiServiceContext context) {
        this.context = context;
    }

    static AiServiceConfig of(AiServices<?> builder) {
        AiServiceContext context = contextOf(builder);
        return context == null ? UNKNOWN : new AiServiceConfig(context);
    }

    /** @return the builder's context, or null when this LangChain4j version keeps it elsewhere */
    static AiServiceContext contextOf(AiServices<?> builder) {
        try {
            Field field = AiServices.class.getDeclaredField("context");
            field.setAccessible(true);
            return field.get(builder) instanceof AiServiceContext context ? context : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Cannot read the AiServices builder's context", e);
            return null;
        }
    }

    /** @return whether LangChain4j runs a message's calls at once, on threads of its own */
    boolean concurrent() {
        ToolService tools = context == null ? null : context.toolService;
        return tools == null || tools.executor() != null;
    }

    /** @return whether the AI service streams, so that calls may still be delivered after the invocation failed */
    boolean streaming() {
        return context == null || context.streamingChatModel != null;
    }

    /**
     * @return whether LangChain4j hands each tool call to its executor the moment the call has streamed in, before
     *     the message is complete ({@code executeToolsConcurrently()} with a streaming model); false when the
     *     builder could not be read, so that such an AI service keeps whole-message planning
     */
    boolean streamsCalls() {
        return context != null && context.streamingChatModel != null && context.toolService != null
                && context.toolService.executor() != null;
    }

    /**
     * Puts the library's wrappers in place before an invocation reads them (called as it starts, on its thread): the
     * streaming model records the model's order of each message's calls ({@link OrderRecordingModel}), and, for a
     * streaming AI service only, the tool executor does not run a call the stream submits on the stream's thread
     * ({@link NoCallerRunsExecutor}). Idempotent; concurrent invocations may each put an equivalent wrapper in place,
     * and each then reads one.
     *
     * @param messages where the streaming model records what it delivered
     */
    void prepare(StreamedMessages messages) {
        if (context == null) {
            return;
        }
        StreamingChatModel model = context.streamingChatModel;
        if (model != null && !(model instanceof OrderRecordingModel)) {
            context.streamingChatModel = new OrderRecordingModel(model, messages);
        }
        ToolService tools = context.toolService;
        Executor executor = tools == null ? null : tools.executor();
        if (model != null && executor != null && !(executor instanceof NoCallerRunsExecutor)) {
            tools.executeToolsConcurrently(new NoCallerRunsExecutor(executor, HandOverThreads.shared()));
        }
    }

    /** @return whether LangChain4j has an executor for the tool, offered to the model or not */
    boolean runs(String tool) {
        ToolService tools = context == null ? null : context.toolService;
        return tools != null && tools.toolExecutors().containsKey(tool);
    }
}
