package io.github.parallel4j.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.langchain4j.service.tool.ToolService;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.observe.ObservationWriter;
import io.github.parallel4j.plan.CallRequest;
import io.github.parallel4j.plan.Plan;
import io.github.parallel4j.plan.PlannedCall;
import io.github.parallel4j.plan.Planner;
import io.github.parallel4j.policy.Durations;
import io.github.parallel4j.policy.ResourceKeyTemplate;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.schedule.CallFailure;
import io.github.parallel4j.schedule.CallOutcome;
import io.github.parallel4j.schedule.CallRunner;
import io.github.parallel4j.schedule.ToolOutput;
import io.github.parallel4j.schedule.TurnOptions;
import io.github.parallel4j.schedule.TurnRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library inside one {@code AiServices} builder: the tools it wrapped, the listener that captures each AI
 * message's batch of calls, and the state of the invocations in flight. Internal: not part of the public API.
 *
 * <p>How a turn runs: the response listener stores the AI message's calls under the invocation's id; the first
 * wrapped executor LangChain4j calls plans the whole batch and starts it; each wrapped executor then waits for
 * its own call's outcome. This works whether LangChain4j calls the executors one by one (its default) or all at
 * once ({@code executeToolsConcurrently()}). A call that belongs to no known batch (streaming with
 * {@code executeToolsConcurrently()}, where calls run before the message is complete) runs alone, still under
 * resource-key locks and the invocation's exclusive-write lock.
 *
 * <p>Invocation state lives only while the invocation needs it; see {@link Invocations}.
 */
public final class Installation {

    private static final Logger log = LoggerFactory.getLogger(Installation.class);

    /**
     * How long, with {@code executeToolsConcurrently()}, the calls emitted after a call to a tool nobody has wait
     * for LangChain4j to decide on it before the turn is cancelled. The library's strategy decides at once; a
     * strategy that does not tell the library would otherwise leave them waiting for the budget, or for ever.
     */
    static final Duration UNKNOWN_TOOL_GRACE = Duration.ofSeconds(2);

    private final InstallSettings settings;
    private final Map<String, ToolPolicy> owned = new ConcurrentHashMap<>();
    private final Map<String, ToolExecutor> delegates = new ConcurrentHashMap<>();
    private final Map<String, ReturnBehavior> returnBehaviors = new ConcurrentHashMap<>();
    private final ImmediateReturns immediateReturns = new ImmediateReturns(returnBehaviors);
    /** The builder's tools and error handlers, as LangChain4j keeps them. */
    private volatile BuilderTools builderTools;
    private final Planner planner;
    private final Invocations invocations;
    /** Numbers turns for their idempotency keys: distinct across the turns of one invocation, and all others. */
    private final AtomicLong turns = new AtomicLong();
    /** How the AI service this installation is on runs its tools; read from its builder in {@link #listenOn}. */
    private volatile AiServiceConfig config = AiServiceConfig.UNKNOWN;
    private final ReadCache readCache;
    private final LangChain4jArguments arguments = new LangChain4jArguments();

    /**
     * @param settings the settings
     */
    public Installation(InstallSettings settings) {
        this.settings = settings;
        this.builderTools = BuilderTools.none(settings.errorHandling());
        this.planner = new Planner(settings.maxBatchSize(), owned::get, Planner.UnknownTools.BARRIER,
                settings.deduplicateReads(), arguments, () -> builderTools.argumentErrorsToHandler());
        this.readCache = settings.readCache();
        this.invocations = new Invocations(settings.idleInvocationExpiry(), settings.scheduler().ticker());
    }

    /**
     * Registers the listeners this installation needs on a builder.
     *
     * @param builder the AI service builder
     */
    public void listenOn(AiServices<?> builder) {
        this.config = AiServiceConfig.of(builder);
        this.builderTools = BuilderTools.of(builder, settings.errorHandling());
        if (!builderTools.readable()) {
            log.warn("Cannot read the tools of this AiServices builder (a LangChain4j version this library does not"
                    + " know): @CompensateFor is refused, and error handlers set on the builder are honoured only"
                    + " with ToolErrorHandling.LANGCHAIN4J_HANDLERS, and its calls are taken to run concurrently");
        }
        builder.registerListeners(
                (AiServiceResponseReceivedListener) event -> onResponse(event.invocationContext(), event.request(),
                        event.response() == null ? null : event.response().aiMessage()),
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
                config.streaming());
    }

    private void onResponse(InvocationContext context, dev.langchain4j.model.chat.request.ChatRequest request,
            AiMessage message) {
        if (context == null || context.invocationId() == null || message == null
                || !message.hasToolExecutionRequests() || invocations.failed(context.invocationId())) {
            return;
        }
        List<ToolExecutionRequest> calls = message.toolExecutionRequests();
        Set<String> offered = offeredTools(request);
        Set<Integer> unknown = new HashSet<>();
        Set<Integer> ours = new HashSet<>();
        List<ToolExecutionRequest> unknownCalls = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String name = calls.get(i).name();
            if (owned.containsKey(name)) {
                ours.add(i);
            } else if (offered != null && !offered.contains(name) && !config.runs(name)) {
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
            boolean concurrent = calls.size() > 1 && config.concurrent();
            state.newBatch(calls, settings.scheduler().capture(), unknown, ours, concurrent);
            if (concurrent) {
                invocations.unknownCalls(state, unknownCalls);
            }
        } finally {
            invocations.leave(id, state);
        }
    }

    /** The names of the tools the model was offered, or null when the request does not say. */
    private static Set<String> offeredTools(dev.langchain4j.model.chat.request.ChatRequest request) {
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

    /**
     * Lets a batch go past a call to a tool nobody has, once {@code unknownToolStrategy()} has answered it: the
     * invocation goes on, so what was emitted after it may run.
     *
     * @param request the call, as LangChain4j handed it to the strategy
     */
    public void decidedUnknown(ToolExecutionRequest request) {
        invocations.decided(request);
    }

    /**
     * Registers the {@code @Tool} methods of an object on a builder as {@code builder.tools(toolObject)} would, so
     * that LangChain4j finds and validates its {@code @CompensateFor} actions and runs them when
     * {@code compensateOnToolErrors(true)} says so, then puts the library's executor in place of each of the
     * object's tools (and, with {@code describeScheduling}, its description).
     *
     * @param builder the builder {@link #listenOn} was given
     * @param toolObject an object with {@code @Tool} methods
     * @throws IllegalArgumentException when a policy annotation is malformed or names no parameter of its tool, or
     *     when the object declares {@code @CompensateFor} and this LangChain4j version's builder cannot be read
     */
    public void registerTools(AiServices<?> builder, Object toolObject) {
        List<Wrapped> prepared = ToolService.findTools(toolObject).stream().map(this::prepare).toList();
        // LangChain4j refuses a tool name the builder has already: only once it took the object are its tools
        // this installation's, so a refused object does not replace the executor of a tool registered before.
        builderTools.register(builder, toolObject, prepared.stream().map(Wrapped::installed).toList());
        prepared.forEach(this::commit);
    }

    /**
     * Wraps the {@code @Tool} methods of an object.
     *
     * @param toolObject an object with {@code @Tool} methods
     * @return the tools, with wrapped executors and unchanged specifications and return behaviors
     * @throws IllegalArgumentException when a policy annotation is malformed or names no parameter of its tool
     */
    public List<AiServiceTool> wrapTools(Object toolObject) {
        List<AiServiceTool> wrapped = new ArrayList<>();
        for (AiServiceTool tool : ToolService.findTools(toolObject)) {
            wrapped.add(wrapTool(tool));
        }
        return wrapped;
    }

    /**
     * Wraps one tool that is already built (a specification and its executor), such as a tool of a Spring AOP
     * proxy. Its policy is the one given by name, else the annotations of the executor's original method when it
     * is a {@link DefaultToolExecutor}, else the default.
     *
     * @param tool the tool
     * @return the tool with a wrapped executor and unchanged specification and return behavior
     * @throws IllegalArgumentException when a policy annotation is malformed or names no parameter of its tool
     */
    public AiServiceTool wrapTool(AiServiceTool tool) {
        return commit(prepare(tool));
    }

    private Wrapped prepare(AiServiceTool tool) {
        ToolPolicy policy = settings.policies().get(tool.name());
        if (policy == null && tool.toolExecutor() instanceof DefaultToolExecutor executor) {
            policy = ToolPolicy.of(executor.originalMethod(), settings.defaultPolicy());
        }
        return prepare(tool, policy == null ? settings.defaultPolicy() : policy);
    }

    /**
     * Wraps a tool provider (MCP and others): each tool it provides runs through the library, under the policy
     * given for its name, or the default policy.
     *
     * @param provider the provider
     * @return a provider of wrapped tools
     */
    public ToolProvider wrapProvider(ToolProvider provider) {
        return new ToolProvider() {
            @Override
            public ToolProviderResult provideTools(dev.langchain4j.service.tool.ToolProviderRequest request) {
                ToolProviderResult result = provider.provideTools(request);
                if (result == null) {
                    return null;
                }
                ToolProviderResult.Builder builder = ToolProviderResult.builder();
                for (AiServiceTool tool : result.aiServiceTools()) {
                    ToolPolicy policy = settings.policies().getOrDefault(tool.name(), settings.defaultPolicy());
                    AiServiceTool w = wrap(tool, policy);
                    builder.add(w.toolSpecification(), w.toolExecutor(), w.returnBehavior());
                }
                return builder.build();
            }

            @Override
            public boolean isDynamic() {
                return provider.isDynamic();
            }
        };
    }

    /** A tool as the library installs it, not yet this installation's: see {@link #commit}. */
    private record Wrapped(AiServiceTool original, ToolPolicy policy, AiServiceTool installed) {}

    private AiServiceTool wrap(AiServiceTool tool, ToolPolicy policy) {
        return commit(prepare(tool, policy));
    }

    /** Checks the tool's policy against its parameters and builds its installed form; changes nothing. */
    private Wrapped prepare(AiServiceTool tool, ToolPolicy policy) {
        checkKeysNameParameters(tool.toolSpecification(), policy);
        ParallelToolExecutor executor = new ParallelToolExecutor(this, tool.name());
        // A @Tool method stays one to LangChain4j (@CompensateFor looks for it). LangChain4j's own executor as the
        // DefaultToolExecutor's object is a tripwire: the method is never invoked here, and were LangChain4j to
        // invoke it on that object (not an instance of the tool's class), it would fail rather than run the tool
        // behind the library.
        ToolExecutor installed = tool.toolExecutor() instanceof DefaultToolExecutor method
                ? new MethodToolExecutor(method, method.originalMethod(), executor)
                : executor;
        AiServiceTool.Builder wrapped = tool.toBuilder().toolExecutor(installed);
        if (settings.describeScheduling()) {
            ToolSpecification spec = tool.toolSpecification();
            String description = spec.description() == null || spec.description().isBlank()
                    ? ModelGuidance.line(policy)
                    : spec.description() + " " + ModelGuidance.line(policy);
            wrapped.toolSpecification(spec.toBuilder().description(description).build());
        }
        return new Wrapped(tool, policy, wrapped.build());
    }

    /** Makes the tool this installation's: calls to its name run its executor under its policy. */
    private AiServiceTool commit(Wrapped w) {
        AiServiceTool tool = w.original();
        String name = tool.name();
        arguments.method(name, tool.toolExecutor() instanceof DefaultToolExecutor executor
                ? executor.originalMethod()
                : null);
        owned.put(name, w.policy());
        delegates.put(name, tool.toolExecutor());
        returnBehaviors.put(name, tool.returnBehavior());
        return w.installed();
    }

    private static void checkKeysNameParameters(ToolSpecification spec, ToolPolicy policy) {
        Set<String> parameters =
                spec.parameters() == null ? Set.of() : spec.parameters().properties().keySet();
        for (ResourceKeyTemplate template : policy.resourceKeys()) {
            for (String name : template.parameterNames()) {
                if (!parameters.contains(name)) {
                    throw new IllegalArgumentException("Tool '" + spec.name() + "': resource key '" + template
                            + "' names argument '" + name + "', but the tool's parameters are " + parameters
                            + (parameters.stream().anyMatch(p -> p.matches("arg\\d+"))
                                    ? " (compile with -parameters so that parameter names are kept)"
                                    : ""));
                }
            }
        }
    }

    /**
     * The built-in {@code read_result} tool, when cut results are kept; to register once per builder.
     *
     * @return the tool, or empty when results are not kept
     */
    public java.util.Optional<AiServiceTool> readResultTool() {
        if (settings.kept() == null) {
            return java.util.Optional.empty();
        }
        // Slices are measured as written in JSON; the envelope around one needs a few hundred characters more.
        int slice = Math.max(io.github.parallel4j.observe.ObservationWriter.MIN_CHARS,
                settings.maxObservationChars() - 400);
        return java.util.Optional.of(wrap(new ReadResultTool(settings.kept(), slice, arguments, this::privateScope)
                .tool(), ToolPolicy.read()));
    }

    /** @return how many invocations this installation keeps state for now */
    public long invocationsInFlight() {
        return invocations.size();
    }

    /** @return the policy of each tool this installation wrapped, by name */
    public Map<String, ToolPolicy> policies() {
        return Map.copyOf(owned);
    }

    /**
     * Plans a batch as this installation would, without running it.
     *
     * @param requests the AI message's calls
     * @return the plan
     */
    public Plan plan(List<ToolExecutionRequest> requests) {
        return planner.plan(requests.stream().map(Installation::toCallRequest).toList());
    }

    ToolExecutionResult execute(ToolExecutionRequest request, InvocationContext context) {
        UUID id = context == null ? null : context.invocationId();
        InvocationState state = invocations.enter(id);
        try {
            InvocationState.Claim claim;
            CallOutcome outcome;
            try {
                claim = state.claim(request, batch -> startBatch(batch, state, context),
                        () -> start(List.of(request), state, context, settings.scheduler().capture()));
                outcome = claim.run() == null ? refused(request, claim.refusal()) : await(claim, id, state);
            } catch (RuntimeException e) {
                return internalFailure(request, e);
            }
            builderTools.handOver(outcome); // on purpose: LangChain4j's handlers word the tool's own failure
            try {
                if (settings.format() == ObservationFormat.RAW
                        || immediateReturns.toApplication(claim.run(), outcome)) {
                    return raw(outcome);
                }
                return toResult(outcome, allowance(claim, outcome), context);
            } catch (RuntimeException e) {
                // A fault while writing the observation (a token estimator, the kept results, the writer): the
                // model gets an envelope, never LangChain4j's default of the exception's text.
                return internalFailure(request, e);
            }
        } finally {
            invocations.leave(id, state);
        }
    }

    /**
     * Starts a batch's turn; with {@code executeToolsConcurrently()} and a call to a tool nobody has, gives
     * LangChain4j {@link #UNKNOWN_TOOL_GRACE} to decide on it before the turn is cancelled, so that what waits
     * behind it never waits without a limit.
     */
    private TurnRun startBatch(Batch batch, InvocationState state, InvocationContext context) {
        TurnRun run = start(batch.requests, state, context, batch.context);
        if (batch.concurrent && !batch.unknownToLangChain4j.isEmpty()) {
            java.util.concurrent.ScheduledFuture<?> check = settings.scheduler().timer().schedule(
                    () -> state.cancelIfUndecided(batch, run, "LangChain4j did not answer a call to a tool that does "
                            + "not exist within " + Durations.format(UNKNOWN_TOOL_GRACE) + " (its hallucinated-tool "
                            + "strategy does not tell langchain4j-parallel; wrap it with "
                            + "ParallelTools.unknownToolStrategy(...)), so the calls after it were not run"),
                    Durations.nanos(UNKNOWN_TOOL_GRACE), TimeUnit.NANOSECONDS);
            run.whenDone().whenComplete((outcomes, error) -> check.cancel(false));
        }
        return run;
    }

    /** The outcome of a call that arrived after its invocation had failed: it does not run. */
    private CallOutcome refused(ToolExecutionRequest request, String failure) {
        PlannedCall call = plan(List.of(request)).calls().get(0);
        return new CallOutcome(call, false, ErrorCode.CANCELLED, failure + "; this call arrived afterwards and did "
                + "not run", null, null, -1, -1, 0, 0, false);
    }

    /**
     * An observation for a call the library could not handle because of a fault of its own: an envelope that
     * names the exception's class only, never a stack trace nor a bare exception text; the log has the rest.
     */
    private static ToolExecutionResult internalFailure(ToolExecutionRequest request, RuntimeException e) {
        log.error("langchain4j-parallel could not run call {} ({}); it answered the model with an error", request.id(),
                request.name(), e);
        com.fasterxml.jackson.databind.node.ObjectNode observation =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        observation.put("id", request.id());
        observation.put("tool", request.name());
        observation.put("ok", false);
        observation.put("error_code", ErrorCode.TOOL_ERROR.name());
        observation.put("error", "the call could not be run because of an internal error ("
                + e.getClass().getSimpleName() + "); it did not run");
        observation.put("latency_ms", 0);
        return ToolExecutionResult.builder().isError(true).resultText(observation.toString()).build();
    }

    /** How many characters the call's observation may have: its tool's limit, and its share of the turn's. */
    private int allowance(InvocationState.Claim claim, CallOutcome outcome) {
        if (outcome.call().name().equals(ReadResultTool.NAME) && settings.kept() != null) {
            return 0; // its slices are sized to fit already; cutting them again would lose what was asked for
        }
        int own = settings.toolObservationChars().getOrDefault(outcome.call().name(), settings.maxObservationChars());
        if (own == 0 || settings.maxTurnObservationChars() <= 0 || claim.batch() == null
                || claim.run().plan().size() < 2
                || claim.run().plan().calls().stream().anyMatch(c -> c.kind() == PlannedCall.Kind.EXTERNAL)) {
            // With an external call in the batch, the rest of the turn waits for the AI service to pass it,
            // which it does only after this observation is returned: no waiting for the whole turn then.
            return own;
        }
        List<CallOutcome> all;
        try {
            all = claim.run().whenDone().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return own;
        } catch (ExecutionException e) {
            return own;
        }
        int[] shares = claim.batch().shares(() -> {
            int[] sizes = new int[all.size()];
            for (int i = 0; i < sizes.length; i++) {
                CallOutcome o = all.get(i);
                sizes[i] = settings.writer().fullSize(o, o.ok() ? o.output().value() : null);
            }
            return io.github.parallel4j.observe.TurnShare.of(sizes, settings.maxTurnObservationChars(),
                    io.github.parallel4j.observe.ObservationWriter.MIN_CHARS);
        });
        int share = shares[claim.index()];
        return Math.min(own, share);
    }

    /** LangChain4j's plain result: the tool's own, or the error message. */
    private ToolExecutionResult raw(CallOutcome outcome) {
        if (outcome.ok() && outcome.output().attachment() instanceof ToolExecutionResult r) {
            return r;
        }
        if (outcome.ok()) {
            JsonNode value = outcome.output().value();
            return ToolExecutionResult.builder().resultText(value.isTextual() ? value.textValue() : value.toString())
                    .build();
        }
        return ToolExecutionResult.builder().isError(true).resultText(outcome.error()).build();
    }

    private TurnRun start(List<ToolExecutionRequest> requests, InvocationState state, InvocationContext context,
            List<io.github.parallel4j.ContextPropagator.Captured> captured) {
        Plan plan = plan(requests);
        if (plan.calls().stream().anyMatch(c -> c.kind() == PlannedCall.Kind.EXTERNAL)) {
            // Tools the library does not run may write anything: forget this conversation's cached reads.
            readCache.written(cacheScope(context), java.util.Set.of());
        }
        if (log.isDebugEnabled()) {
            log.debug("Starting turn of invocation {}: {}", context == null ? null : context.invocationId(), plan);
        }
        // Idempotency keys derive from this: stable across a call's attempts, distinct across turns.
        String key = context == null || context.invocationId() == null
                ? null
                : context.invocationId() + "#" + turns.incrementAndGet();
        Object partition = context == null ? null : settings.rateLimitKey().apply(context);
        UUID invocation = context == null ? null : context.invocationId();
        List<TurnObserver.TurnScope> observed = observe(invocation, plan);
        TurnRun run = settings.scheduler().start(plan, runner(context, observed), new TurnOptions(
                settings.turnTimeout(), state.scope, key, settings.maxConcurrentPerTurn(), settings.maxRetriesPerTurn(),
                settings.rateLimitRetries(), partition, settings.maxRetryAfter()), captured);
        if (!settings.turnListeners().isEmpty() || !observed.isEmpty()) {
            run.whenDone().thenAccept(outcomes -> report(
                    io.github.parallel4j.observe.TurnReports.of(invocation, plan, outcomes), observed));
        }
        return run;
    }

    private List<TurnObserver.TurnScope> observe(UUID invocation, Plan plan) {
        if (settings.turnObservers().isEmpty()) {
            return List.of();
        }
        List<TurnObserver.TurnScope> scopes = new ArrayList<>(settings.turnObservers().size());
        for (TurnObserver observer : settings.turnObservers()) {
            try {
                TurnObserver.TurnScope scope = observer.turnStarted(invocation, plan);
                if (scope != null) {
                    scopes.add(scope);
                }
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the turn itself is unaffected", e);
            }
        }
        return scopes;
    }

    private void report(io.github.parallel4j.TurnReport report, List<TurnObserver.TurnScope> observed) {
        for (TurnObserver.TurnScope scope : observed) {
            try {
                scope.turnFinished(report);
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the turn itself is unaffected", e);
            }
        }
        for (io.github.parallel4j.TurnListener listener : settings.turnListeners()) {
            try {
                listener.onTurnFinished(report);
            } catch (RuntimeException e) {
                log.warn("A turn listener failed; the turn itself is unaffected", e);
            }
        }
    }

    /** Opens each observer's call scope; a failing observer is logged and skipped. */
    private static List<TurnObserver.CallScope> callStarted(List<TurnObserver.TurnScope> observed, PlannedCall call) {
        List<TurnObserver.CallScope> scopes = new ArrayList<>(observed.size());
        for (TurnObserver.TurnScope turn : observed) {
            try {
                TurnObserver.CallScope scope = turn.callStarted(call);
                if (scope != null) {
                    scopes.add(scope);
                }
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the call itself is unaffected", e);
            }
        }
        return scopes;
    }

    private static void callEnded(List<TurnObserver.CallScope> scopes, Throwable error) {
        for (int k = scopes.size() - 1; k >= 0; k--) {
            try {
                scopes.get(k).callEnded(error);
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the call itself is unaffected", e);
            }
        }
    }

    private static CallRequest toCallRequest(ToolExecutionRequest r) {
        return new CallRequest(r.id(), r.name(), r.arguments());
    }

    private CallRunner runner(InvocationContext context, List<TurnObserver.TurnScope> observed) {
        Object scope = cacheScope(context);
        return new CallRunner() {
            @Override
            public java.util.Optional<ToolOutput> cached(PlannedCall call, JsonNode arguments) {
                // Asked once the call holds its resource-key locks, so no write to its keys is still running.
                return call.policy().cachedFor().isPresent()
                        ? readCache.get(scope, call.name(), call.canonicalArguments(arguments))
                        : java.util.Optional.empty();
            }

            @Override
            public ToolOutput run(PlannedCall call, JsonNode arguments) throws Exception {
                boolean writes = call.policy().sideEffect() == io.github.parallel4j.policy.SideEffect.WRITE;
                List<TurnObserver.CallScope> spans = observed.isEmpty() ? List.of() : callStarted(observed, call);
                Throwable error = null;
                try {
                    ToolOutput output = runTool(call, arguments, context);
                    call.policy().cachedFor().ifPresent(ttl ->
                            readCache.put(scope, call.name(), call.canonicalArguments(arguments), output, ttl,
                                    runtimeKeys(call, arguments)));
                    return output;
                } catch (Exception | Error e) {
                    error = e;
                    throw e;
                } finally {
                    if (!spans.isEmpty()) {
                        callEnded(spans, error);
                    }
                    if (writes) {
                        // Even a write that failed may have changed something: forget what it may have changed.
                        readCache.written(scope, runtimeKeys(call, arguments));
                    }
                }
            }
        };
    }

    private static java.util.Set<String> runtimeKeys(PlannedCall call, JsonNode arguments) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (ResourceKeyTemplate template : call.policy().resourceKeys()) {
            try {
                keys.add(template.fill(call.canonicalArguments(arguments), text -> false).text());
            } catch (ResourceKeyTemplate.MissingArgumentException e) {
                // the scheduler refused the call for this already; nothing ran
            }
        }
        return keys;
    }

    private ToolOutput runTool(PlannedCall call, JsonNode arguments, InvocationContext context) throws Exception {
        ToolExecutor delegate = delegates.get(call.name());
        if (delegate == null) {
            throw new CallFailure(ErrorCode.UNKNOWN_TOOL, "there is no tool named '" + call.name() + "'", null);
        }
        if (!call.references().isEmpty() && builderTools.compensates(call.name())) {
            // LangChain4j undoes the call with the request the model sent (ToolExecution.request()), so its
            // compensating action would get "$call_X..." instead of the value this call ran with. Refused.
            throw new CallFailure(ErrorCode.INVALID_ARGUMENTS, "tool '" + call.name() + "' has a compensating action,"
                    + " which is given the arguments as sent, so its arguments may not refer to another call's result;"
                    + " this call did not run. Send the values themselves.", null);
        }
        ToolExecutionRequest actual = ToolExecutionRequest.builder()
                .id(call.providerId())
                .name(call.name())
                .arguments(call.references().isEmpty() ? call.rawArguments() : arguments.toString())
                .build();
        ToolExecutionResult result;
        try {
            result = delegate.executeWithContext(actual, context);
        } catch (ToolArgumentsException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CallFailure(ErrorCode.INVALID_ARGUMENTS, messageOf(cause), e);
        } catch (ToolExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CallFailure(ErrorCode.TOOL_ERROR, messageOf(cause), cause);
        }
        if (result.isError()) {
            throw new CallFailure(ErrorCode.TOOL_ERROR, ToolResults.text(result.resultContents()), null);
        }
        return new ToolOutput(ToolResults.toJson(result), result);
    }

    private CallOutcome await(InvocationState.Claim claim, UUID id, InvocationState state) {
        try {
            return claim.run().outcome(claim.index()).get();
        } catch (InterruptedException e) {
            // The invocation is being cancelled: every call of it stops, not only this one's turn.
            String reason = "the thread running the AI service was interrupted";
            invocations.fail(id, state, reason, config.streaming());
            claim.run().cancel(reason);
            Thread.currentThread().interrupt();
            return claim.run().outcome(claim.index()).join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("A call outcome failed, which the scheduler never does", e);
        }
    }

    private ToolExecutionResult toResult(CallOutcome outcome, int maxChars, InvocationContext context) {
        ToolExecutionResult raw = outcome.ok() && outcome.output().attachment() instanceof ToolExecutionResult r
                ? r
                : null;
        String observation = observe(outcome, maxChars, context);
        ToolExecutionResult.Builder result = ToolExecutionResult.builder().isError(!outcome.ok());
        if (raw == null) {
            return result.resultText(observation).build();
        }
        List<Content> attached = ToolResults.nonText(raw.resultContents());
        if (attached.isEmpty()) {
            result.resultText(observation);
        } else {
            List<Content> contents = new ArrayList<>();
            contents.add(TextContent.from(observation));
            contents.addAll(attached);
            result.resultContents(contents);
        }
        return result.result(raw.result()).attributes(raw.attributes()).build();
    }

    /**
     * The observation's text within its character allowance and, when a token limit is set, within that too:
     * the allowance is narrowed by the ratio of tokens to characters until the text fits.
     */
    private String observe(CallOutcome outcome, int maxChars, InvocationContext context) {
        JsonNode value = outcome.ok() ? outcome.output().value() : null;
        int full = settings.writer().fullSize(outcome, value);
        int limit = maxChars <= 0 ? Integer.MAX_VALUE : Math.max(ObservationWriter.MIN_CHARS, maxChars);
        String uncut = null;
        if (settings.tokenCounter() != null && settings.maxObservationTokens() > 0 && value != null && maxChars != 0) {
            uncut = settings.writer().write(outcome, value, 0);
            int tokens = settings.tokenCounter().estimateTokenCountInText(uncut);
            if (tokens > settings.maxObservationTokens()) {
                limit = Math.min(limit, charsFor(uncut.length(), tokens));
            }
        }
        if (full <= limit) {
            return uncut != null ? uncut : settings.writer().write(outcome, value, 0);
        }
        String handle = settings.kept() == null || value == null ? null
                : settings.kept().keep(privateScope(context), value.isTextual() ? value.textValue() : value.toString())
                        .orElse(null);
        String text = settings.writer().write(outcome, value, limit, handle);
        for (TurnObserver observer : settings.turnObservers()) {
            try {
                observer.observationTruncated(outcome.call(), full, limit);
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the observation is unaffected", e);
            }
        }
        for (int round = 0; round < 4 && settings.tokenCounter() != null && settings.maxObservationTokens() > 0
                && limit > ObservationWriter.MIN_CHARS; round++) {
            int tokens = settings.tokenCounter().estimateTokenCountInText(text);
            if (tokens <= settings.maxObservationTokens()) {
                break;
            }
            limit = Math.max(ObservationWriter.MIN_CHARS, Math.min(limit - 1, charsFor(text.length(), tokens)));
            text = settings.writer().write(outcome, value, limit, handle);
        }
        return text;
    }

    /** The characters that should hold the token limit, at the text's own ratio of characters to tokens. */
    private int charsFor(int chars, int tokens) {
        return (int) Math.max(ObservationWriter.MIN_CHARS,
                (long) chars * settings.maxObservationTokens() / Math.max(1, tokens) * 95 / 100);
    }

    /** Whose cached reads a call may see: see {@link ResultScope}. */
    private Object cacheScope(InvocationContext context) {
        return settings.shareCachedReads() ? new ResultScope(this, ReadCache.SHARED) : ResultScope.of(this, context);
    }

    /** Whose kept results a call may read: see {@link ResultScope}. */
    Object privateScope(InvocationContext context) {
        return ResultScope.of(this, context);
    }

    /**
     * The default key of per-key rates: the invocation's memory id, or its invocation id when it has no memory id
     * of its own (LangChain4j's "default", which every user shares).
     *
     * @param context the invocation
     * @return the key, or null when the invocation has neither
     */
    public static Object conversationOrInvocation(InvocationContext context) {
        return ResultScope.conversationOrInvocation(context);
    }

    private static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
