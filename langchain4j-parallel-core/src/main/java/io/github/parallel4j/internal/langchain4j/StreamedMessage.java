package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the streaming model's handler saw of one AI message: its tool calls in the order the model completed them
 * ({@code onCompleteToolCall}, on the stream's thread, before LangChain4j hands each to its executor), and, once the
 * complete response came, all of them. LangChain4j's executor threads may reach the library in another order; this is
 * the model's.
 *
 * <p>Thread-safe: written on the stream's thread, read on any.
 */
final class StreamedMessage {

    // Guarded by this.
    private final List<ToolExecutionRequest> announced = new ArrayList<>();
    /** The message's calls once its complete response came; null until then. */
    private volatile List<ToolExecutionRequest> complete;

    /** The model completed the next call of the message. */
    synchronized void announce(ToolExecutionRequest request) {
        announced.add(request);
    }

    /** The complete response came, with these calls (in the model's order). */
    void complete(List<ToolExecutionRequest> calls) {
        complete = List.copyOf(calls);
    }

    /** @return whether the complete response has come */
    boolean isComplete() {
        return complete != null;
    }

    /** @return the message's calls, once complete (else empty) */
    List<ToolExecutionRequest> calls() {
        List<ToolExecutionRequest> calls = complete;
        return calls == null ? List.of() : calls;
    }

    /**
     * @param request a call of this message (the very object the handler saw)
     * @return the calls the model completed before it, in its order; empty when it was not announced
     */
    synchronized List<ToolExecutionRequest> announcedBefore(ToolExecutionRequest request) {
        for (int i = 0; i < announced.size(); i++) {
            if (announced.get(i) == request) {
                return List.copyOf(announced.subList(0, i));
            }
        }
        return List.of();
    }
}
