package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What the streaming model's handler saw of one AI message: its tool calls in the order the model completed them
 * ({@code onCompleteToolCall}, on the stream's thread, before LangChain4j hands each to its executor), and, once the
 * complete response came, all of them. LangChain4j's executor threads may reach the library in another order; this is
 * the model's.
 *
 * <p>The calls are held weakly: while LangChain4j still has to run one, it holds it (its task, its message), and once
 * nobody does, this does not keep it, nor, through {@link StreamedMessages}, itself. Thread-safe: written on the
 * stream's thread, read on any.
 */
final class StreamedMessage {

    /** The names of the tools the request offered the model, or null when the request did not say. */
    private final Set<String> offered;
    // Guarded by this.
    private final List<WeakReference<ToolExecutionRequest>> announced = new ArrayList<>();
    private List<WeakReference<ToolExecutionRequest>> complete = List.of();
    /** The stream thread's context, captured once for every call of the message; null until then. */
    private CapturedContext context;
    /** The invocation its calls belong to, once one of them reached the library. */
    private UUID invocation;
    /** Whether the stream was cancelled through its {@code StreamingHandle}. */
    private boolean cancelled;
    private volatile boolean isComplete;

    /** @param offered the names of the tools the request offered the model, or null when it did not say */
    StreamedMessage(Set<String> offered) {
        this.offered = offered == null ? null : Set.copyOf(offered);
    }

    StreamedMessage() {
        this(null);
    }

    /** The model completed the next call of the message. */
    synchronized void announce(ToolExecutionRequest request) {
        announced.add(new WeakReference<>(request));
    }

    /**
     * The complete response came, with these calls (in the model's order).
     */
    synchronized void complete(List<ToolExecutionRequest> calls) {
        this.complete = calls.stream().map(WeakReference::new).toList();
        isComplete = true;
    }

    /**
     * The context every call of the message sees, captured the first time it is asked for: on the stream's thread,
     * when the model completed the message's first call (or the complete response came, when none was completed
     * alone). Whether the batch opens early or is planned whole, and whichever thread brings a call to the library,
     * its tools see this one context.
     *
     * @param capture captures the current thread's context
     * @return the message's context; a capture that failed is a context whose installs fail, never thrown here
     */
    synchronized CapturedContext context(Supplier<CapturedContext> capture) {
        if (context == null) {
            context = CapturedContext.captureSafely(capture);
        }
        return context;
    }

    /**
     * A call of the message reached the library under this invocation.
     *
     * @return whether the stream was cancelled already: the invocation is to be failed
     */
    synchronized boolean reachedBy(UUID id) {
        if (invocation == null) {
            invocation = id;
        }
        return cancelled;
    }

    /**
     * The stream was cancelled through its {@code StreamingHandle}: no listener will hear of it.
     *
     * @return the invocation to fail, or null while no call of the message has reached the library (the first that
     *     does fails it, {@link #reachedBy})
     */
    synchronized UUID cancelled() {
        cancelled = true;
        return invocation;
    }

    /** @return the names of the tools the model was offered, or null when the request did not say */
    Set<String> offered() {
        return offered;
    }

    /** @return whether the complete response has come */
    boolean isComplete() {
        return isComplete;
    }

    /** @return the message's calls still held by anyone, once complete (else empty) */
    synchronized List<ToolExecutionRequest> calls() {
        return live(complete);
    }

    /**
     * @param request a call of this message (the very object the handler saw)
     * @return the calls the model completed before it (those still held by anyone), in its order; empty when it was
     *     not announced
     */
    synchronized List<ToolExecutionRequest> announcedBefore(ToolExecutionRequest request) {
        for (int i = 0; i < announced.size(); i++) {
            if (announced.get(i).get() == request) {
                return live(announced.subList(0, i));
            }
        }
        return List.of();
    }

    private static List<ToolExecutionRequest> live(List<WeakReference<ToolExecutionRequest>> calls) {
        List<ToolExecutionRequest> held = new ArrayList<>(calls.size());
        for (WeakReference<ToolExecutionRequest> call : calls) {
            ToolExecutionRequest request = call.get();
            if (request != null) {
                held.add(request);
            }
        }
        return held;
    }
}
