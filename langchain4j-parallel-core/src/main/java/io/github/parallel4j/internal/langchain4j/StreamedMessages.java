package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Finds, for a tool call LangChain4j hands to a wrapped executor, the message the streaming model delivered it in
 * ({@link StreamedMessage}): the model's order of the message's calls, and whether the message was complete.
 *
 * <p>Calls are found by identity (LangChain4j hands the executor the very request the handler saw) and held weakly, here
 * and in their message: an entry goes once nobody holds its call (LangChain4j, its chat memory), and at the latest
 * {@link #KEPT} after it was last looked up (a message's calls reach the executor within moments). Thread-safe.
 */
final class StreamedMessages {

    /** Why the calls of an invocation whose stream was cancelled are cancelled, for the model. */
    static final String CANCELLED = "the AI service's stream was cancelled (StreamingHandle.cancel())";

    /** How long a call is remembered after it was last seen. */
    static final Duration KEPT = Duration.ofMinutes(10);

    private final Cache<ToolExecutionRequest, StreamedMessage> byRequest =
            Caffeine.newBuilder().weakKeys().expireAfterAccess(KEPT).build();
    /** Captures the current thread's context, as a turn's tools will see it. */
    private final Supplier<CapturedContext> capture;
    /** Fails an invocation whose stream was cancelled. */
    private final Consumer<UUID> cancel;

    /**
     * @param capture captures the current thread's context, as a turn's tools will see it
     * @param cancel fails an invocation whose stream was cancelled through its {@code StreamingHandle}
     */
    StreamedMessages(Supplier<CapturedContext> capture, Consumer<UUID> cancel) {
        this.capture = capture;
        this.cancel = cancel;
    }

    /** A call of the message reached the library: if its stream was cancelled before, the invocation fails now. */
    void reached(StreamedMessage message, UUID invocation) {
        if (message != null && invocation != null && message.reachedBy(invocation)) {
            cancel.accept(invocation);
        }
    }

    /** The message's stream was cancelled: its invocation fails now, or when its first call reaches the library. */
    void cancelled(StreamedMessage message) {
        UUID invocation = message.cancelled();
        if (invocation != null) {
            cancel.accept(invocation);
        }
    }

    /** @return the current thread's context, captured as a turn's tools will see it */
    CapturedContext capture() {
        return capture.get();
    }

    /** Records that the request is a call of the message. */
    void record(ToolExecutionRequest request, StreamedMessage message) {
        if (request != null) {
            byRequest.put(request, message);
        }
    }

    /** @return the message the request was streamed in, or null when no wrapped streaming model delivered it */
    StreamedMessage of(ToolExecutionRequest request) {
        return request == null ? null : byRequest.getIfPresent(request);
    }
}
