package io.github.parallel4j.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.plan.References;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The staged-waves baseline: the same plan as the library (core's {@link Planner}: the same references, resource
 * keys and waves), run wave by wave with a barrier between waves. Every call of a wave starts at once; the next
 * wave starts when the whole wave has finished. References are resolved from earlier waves' results. It knows
 * nothing of integration caps, rates or budgets.
 *
 * <p>Wired into {@code AiServices} the way the library is: a listener captures each AI message's calls, the first
 * tool executor LangChain4j calls runs the whole batch, and each executor answers with its own call's result.
 */
final class StagedWaves {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Planner planner;
    private final Executor pool;
    private final Map<String, ToolExecutor> delegates = new ConcurrentHashMap<>();
    private final Map<UUID, Turn> turns = new ConcurrentHashMap<>();

    /**
     * @param policies each tool's policy
     * @param pool runs the calls; must not bound threads below one wave's size
     */
    StagedWaves(Map<String, ToolPolicy> policies, Executor pool) {
        this.planner = new Planner(10_000, policies::get, Planner.UnknownTools.BARRIER);
        this.pool = pool;
    }

    /** Registers the object's tools, wrapped, and the listeners on the builder. */
    <T> AiServices<T> install(AiServices<T> builder, Object toolObject) {
        List<AiServiceTool> wrapped = new ArrayList<>();
        for (AiServiceTool tool : ToolService.findTools(toolObject)) {
            delegates.put(tool.name(), tool.toolExecutor());
            wrapped.add(tool.toBuilder().toolExecutor(new WaveExecutor()).build());
        }
        builder.tools(wrapped);
        builder.registerListeners(
                (AiServiceResponseReceivedListener) event -> {
                    AiMessage message = event.response() == null ? null : event.response().aiMessage();
                    if (message != null && message.hasToolExecutionRequests()) {
                        turns.put(event.invocationContext().invocationId(),
                                new Turn(message.toolExecutionRequests()));
                    }
                },
                (AiServiceCompletedListener) event -> turns.remove(event.invocationContext().invocationId()),
                (AiServiceErrorListener) event -> turns.remove(event.invocationContext().invocationId()));
        return builder;
    }

    /** One AI message's calls: run once, wave after wave. */
    private final class Turn {
        private final List<ToolExecutionRequest> requests;
        private final Map<String, Object> results = new ConcurrentHashMap<>(); // ToolExecutionResult or Throwable
        private final Map<String, JsonNode> outputs = new ConcurrentHashMap<>();
        private boolean ran;

        Turn(List<ToolExecutionRequest> requests) {
            this.requests = requests;
        }

        synchronized void runOnce(InvocationContext context) {
            if (ran) {
                return;
            }
            ran = true;
            List<CallRequest> calls = new ArrayList<>();
            for (ToolExecutionRequest r : requests) {
                calls.add(new CallRequest(r.id(), r.name(), r.arguments()));
            }
            Plan plan = planner.plan(calls);
            for (List<PlannedCall> wave : plan.waves()) {
                List<CompletableFuture<Void>> running = new ArrayList<>();
                for (PlannedCall call : wave) {
                    running.add(CompletableFuture.runAsync(() -> run(plan, call, context), pool));
                }
                CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join(); // the barrier
            }
        }

        private void run(Plan plan, PlannedCall call, InvocationContext context) {
            try {
                JsonNode arguments = References.resolve(call.arguments(), plan::hasCallId, reference -> {
                    JsonNode output = outputs.get(reference.callId());
                    if (output == null) {
                        throw new References.UnresolvedReferenceException(reference + " has no output");
                    }
                    return reference.select(output);
                });
                ToolExecutionRequest request = ToolExecutionRequest.builder()
                        .id(call.id()).name(call.name()).arguments(arguments.toString()).build();
                ToolExecutionResult result = delegates.get(call.name()).executeWithContext(request, context);
                results.put(call.id(), result);
                outputs.put(call.id(), parse(result.resultText()));
            } catch (Throwable e) {
                results.put(call.id(), e);
            }
        }

        ToolExecutionResult resultOf(ToolExecutionRequest request) {
            Object result = results.get(request.id());
            if (result instanceof RuntimeException e) {
                throw e;
            }
            if (result instanceof Throwable e) {
                throw new IllegalStateException(e);
            }
            if (result == null) {
                throw new IllegalStateException("the staged-waves plan did not run " + request.id());
            }
            return (ToolExecutionResult) result;
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException | RuntimeException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** The wrapped executor: runs the batch on first use, then answers with this call's result. */
    private final class WaveExecutor implements ToolExecutor {

        @Override
        public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
            Turn turn = context == null || context.invocationId() == null ? null : turns.get(context.invocationId());
            if (turn == null) {
                return delegates.get(request.name()).executeWithContext(request, context);
            }
            turn.runOnce(context);
            return turn.resultOf(request);
        }

        @Override
        public String execute(ToolExecutionRequest request, Object memoryId) {
            return executeWithContext(request, InvocationContext.builder().chatMemoryId(memoryId).build())
                    .resultText();
        }
    }
}
