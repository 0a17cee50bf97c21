package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners that tell an installation what LangChain4j does: each AI message with tool calls opens a batch
 * under its invocation's id (with the caller's thread context, which tools then see), the next model request or
 * the invocation's end closes it, and a failed invocation cancels its calls.
 */
final class BatchCapture {

    private static final Logger log = LoggerFactory.getLogger(BatchCapture.class);

    private final Invocations invocations;
    private final TurnScheduler scheduler;
    /** Whether a tool's name is one the installation runs. */
    private final Predicate<String> ours;
    private final AiServiceConfig service;
    private final StreamedMessages messages;

    BatchCapture(Invocations invocations, TurnScheduler scheduler, Predicate<String> ours, AiServiceConfig service,
            StreamedMessages messages) {
        this.invocations = invocations;
        this.scheduler = scheduler;
        this.ours = ours;
        this.service = service;
        this.messages = messages;
    }

    /** Registers the listeners on the builder. */
    void listenOn(AiServices<?> builder) {
        builder.registerListeners(
                // As each invocation starts, before it reads the streaming model and the tool executor.
                (AiServiceStartedListener) event -> service.prepare(messages),
                (AiServiceResponseReceivedListener) event -> onResponse(event.invocationContext(),
                        offeredTools(event.request()), event.response() == null ? null : event.response().aiMessage(),
                        null),
                (AiServiceRequestIssuedListener) event -> passed(event.invocationContext()),
                (AiServiceCompletedListener) event -> passed(event.invocationContext()),
                (AiServiceErrorListener) event -> failed(event.invocationContext(), event.error()));
    }

    /**
     * The invocation failed: its calls are cancelled with a fixed text that names the exception's class only,
     * since the model reads it (and a transport's message can carry request ids, addresses, masked keys); the
     * log has the message.
     */
    private void failed(InvocationContext context, Throwable error) {
        if (context == null || context.invocationId() == null) {
            return;
        }
        String kind = error == null ? "unknown error" : error.getClass().getSimpleName();
        log.warn("AI service invocation {} failed; its tool calls still running or arriving later are cancelled",
                context.invocationId(), error);
        invocations.fail(context.invocationId(), null, "the AI service invocation failed (" + kind + ")",
                service.streaming());
    }

    /**
     * A message that streamed in complete before any of its calls reached the library, and whose response no listener
     * heard (the first message of an output guardrail's reprompt, whose tool loop LangChain4j runs on its own): it is
     * captured now, as the listener would have (with the tools the model was offered, and the context of the thread
     * that received it, both recorded by the streaming model), unless it was already.
     *
     * @param context the invocation, as the call brought it
     * @param message the message, as the streaming model delivered it
     */
    void streamedComplete(InvocationContext context, StreamedMessage message) {
        onResponse(context, message.offered(), AiMessage.from(message.calls()), message.context(scheduler::capture));
    }

    /**
     * @param offered the names of the tools the model was offered, or null when unknown
     * @param captured the context of the thread that received the message, or null for the current thread's
     */
    private void onResponse(InvocationContext context, Set<String> offered, AiMessage message,
            CapturedContext captured) {
        if (context == null || context.invocationId() == null || message == null
                || !message.hasToolExecutionRequests() || invocations.failed(context.invocationId())) {
            return;
        }
        List<ToolExecutionRequest> calls = message.toolExecutionRequests();
        StreamedMessage source = service.streamsCalls() ? messages.of(calls.get(0)) : null;
        // A streamed message's tools see its one context, captured on the stream's thread (StreamedMessage#context).
        CapturedContext threadContext = captured != null ? captured
                : source != null ? source.context(scheduler::capture) : scheduler.capture();
        Set<Integer> unknown = new HashSet<>();
        Set<Integer> mine = new HashSet<>();
        List<ToolExecutionRequest> unknownCalls = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String name = calls.get(i).name();
            if (ours.test(name)) {
                mine.add(i);
            } else if (offered != null && !offered.contains(name) && !service.runs(name)) {
                // Not offered and not runnable either: LangChain4j applies its hallucinated-tool strategy. A
                // tool it can run but did not offer (a tool search narrowed the list) it runs like any other.
                unknown.add(i);
                unknownCalls.add(calls.get(i));
            }
        }
        UUID id = context.invocationId();
        InvocationState state = invocations.enter(id);
        try {
            // LangChain4j runs a message's calls at once only when it has an executor and more than one call.
            boolean concurrent = calls.size() > 1 && service.concurrent();
            boolean whole;
            if (service.streamsCalls()) {
                // Calls may have been handed to the executor as they streamed in: this closes their batch. If none
                // has (a synchronous invocation, a guardrail's reprompt, calls that all came at the end), the message
                // is a whole batch, as without streaming.
                List<ToolExecutionRequest> ourCalls = new ArrayList<>();
                Map<String, String> notRun = new HashMap<>();
                for (int i = 0; i < calls.size(); i++) {
                    if (mine.contains(i)) {
                        ourCalls.add(calls.get(i));
                    } else if (calls.get(i).id() != null) {
                        notRun.put(calls.get(i).id(), String.valueOf(calls.get(i).name()));
                    }
                }
                whole = state.messageComplete(calls, threadContext, unknown, mine, concurrent, ourCalls, notRun,
                        source);
            } else {
                state.newBatch(calls, threadContext, unknown, mine, concurrent, null);
                whole = true;
            }
            if (concurrent && whole) {
                invocations.unknownCalls(state, unknownCalls);
            }
        } finally {
            invocations.leave(id, state);
        }
    }

    /** The names of the tools the model was offered, or null when the request does not say. */
    static Set<String> offeredTools(ChatRequest request) {
        if (request == null || request.toolSpecifications() == null) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (ToolSpecification spec : request.toolSpecifications()) {
            names.add(spec.name());
        }
        return names;
    }

    /** LangChain4j is done with the invocation's latest batch: it calls the model again, or it completed. */
    private void passed(InvocationContext context) {
        if (context != null && context.invocationId() != null) {
            invocations.passed(context.invocationId());
        }
    }
}
