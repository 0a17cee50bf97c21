package io.github.parallel4j.internal.langchain4j;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.time.Duration;
import java.util.List;
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

    /** How long a call is remembered after it was last seen. */
    static final Duration KEPT = Duration.ofMinutes(10);

    private final Cache<ToolExecutionRequest, StreamedMessage> byRequest =
            Caffeine.newBuilder().weakKeys().expireAfterAccess(KEPT).build();
    /** Captures the current thread's context, as a turn's tools will see it. */
    private final Supplier<List<Supplier<Runnable>>> capture;

    /** @param capture captures the current thread's context, as a turn's tools will see it */
    StreamedMessages(Supplier<List<Supplier<Runnable>>> capture) {
        this.capture = capture;
    }

    /** @return the current thread's context, captured as a turn's tools will see it */
    List<Supplier<Runnable>> capture() {
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
