package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.CapturedContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolProvider;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.internal.observe.KeptResults;
import io.github.parallel4j.internal.observe.ObservationLimits;
import io.github.parallel4j.internal.observe.TurnReports;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.policy.Durations;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.CallRunner;
import io.github.parallel4j.internal.schedule.CallerSlot;
import io.github.parallel4j.internal.schedule.TurnOptions;
import io.github.parallel4j.internal.schedule.StreamedTurn;
import io.github.parallel4j.internal.schedule.TurnRun;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library inside one {@code AiServices} builder: the tools it wrapped, the listener that captures each AI
 * message's batch of calls, and the state of the invocations in flight.
 *
 * <p>How a turn runs: the response listener stores the AI message's calls under the invocation's id; the first wrapped
 * executor LangChain4j calls plans the whole batch and starts it; each wrapped executor then waits for its own call's
 * outcome (or its turn's end, when it shares the turn's limit). This works whether LangChain4j calls the executors one
 * by one (its default) or all at once ({@code executeToolsConcurrently()}). Streaming with {@code
 * executeToolsConcurrently()}, LangChain4j hands each call over as it streams in, before the message is complete: each
 * joins its message's {@link StreamedBatch} and starts as its edges allow, and the complete response closes the batch
 * (the calls not arrived yet join it then, in the model's order); a message whose complete response comes before any of
 * its calls is a whole batch. A call that belongs to no known batch (when the builder could not be read, so the library
 * cannot tell that calls stream in) runs alone, still under resource-key locks and the invocation's exclusive-write
 * lock.
 *
 * <p>Invocation state lives only while the invocation needs it; see {@link Invocations}.
 */
final class Installation {

    private static final Logger log = LoggerFactory.getLogger(Installation.class);

    /**
     * How long, with {@code executeToolsConcurrently()}, the calls emitted after a call to a tool nobody has wait
     * for LangChain4j to decide on it before the turn is cancelled. The library's strategy decides at once; a
     * strategy that does not tell the library would otherwise leave them waiting for the budget, or for ever.
     */
    static final Duration UNKNOWN_TOOL_GRACE = Duration.ofSeconds(2);

    /** How long an invocation's state is kept without use, should its end never be reported. */
    static final Duration IDLE_INVOCATION_EXPIRY = Duration.ofMinutes(30);

    private final ParallelToolsConfig config;
    private final TurnScheduler scheduler;
    private final ReadCache readCache;
    private final KeptResults kept;
    private final InstalledTools tools;
    private final ImmediateReturns immediateReturns;
    private final TurnObservers observers;
    /** Keeps each turn's report ahead of its last answer. */
    private final ToldTurns told = new ToldTurns();
    private final ObservationLimits limits;
    private final Planner planner;
    private final Invocations invocations;
    /** What the AI service's streaming model delivered: the model's order of each message's calls. */
    private final StreamedMessages messages;
    /** Numbers turns for their idempotency keys: distinct across the turns of one invocation, and all others. */
    private final AtomicLong turns = new AtomicLong();
    /** The builder's tools and error handlers, as LangChain4j keeps them. */
    private volatile BuilderTools builderTools;
    /** How the AI service this installation is on runs its tools; read from its builder in {@link #listenOn}. */
    private volatile AiServiceConfig service = AiServiceConfig.UNKNOWN;
    /** The listeners on that builder, once registered. */
    private volatile BatchCapture capture;
    /**
     * Whether the thread that starts a turn may run one of its calls itself ({@link CallerSlot}): with the library's
     * own executor and no turn budget; never for an AI service that streams (asked at each call, as the builder may
     * change after the library was installed on it).
     */
    private final boolean callerMayRun;

    /**
     * @param config the settings of the {@code ParallelTools} this installation belongs to
     * @param scheduler runs its turns
     * @param readCache the cache of reads marked cacheable, shared by every installation of that instance
     * @param kept where cut results are kept for the model to read back, or null for not at all
     */
    Installation(ParallelToolsConfig config, TurnScheduler scheduler, ReadCache readCache, KeptResults kept) {
        this.config = config;
        this.scheduler = scheduler;
        this.readCache = readCache;
        this.kept = kept;
        this.tools = new InstalledTools(config, name -> new ParallelToolExecutor(this, name));
        this.immediateReturns = new ImmediateReturns(tools.returnBehaviors());
        this.observers = new TurnObservers(config.turnObservers(), config.turnListeners());
        this.limits = new ObservationLimits(config, kept, observers);
        this.builderTools = BuilderTools.none(config.toolErrorHandling());
        this.callerMayRun = scheduler.callerRuns() && config.turnTimeout().isEmpty();
        int maxBatch = config.maxBatchSize() == ParallelToolsConfig.NO_LIMIT ? Integer.MAX_VALUE : config.maxBatchSize();
        this.planner = new Planner(maxBatch, tools::policy, Planner.UnknownTools.BARRIER, config.deduplicateReads(),
                tools.arguments(), () -> builderTools.argumentErrorsToHandler());
        this.invocations = new Invocations(IDLE_INVOCATION_EXPIRY, scheduler.ticker());
        this.messages = new StreamedMessages(scheduler::capture,
                id -> invocations.fail(id, null, StreamedMessages.CANCELLED, true));
    }

    /**
     * Registers the listeners this installation needs on a builder.
     *
     * @param builder the AI service builder
     */
    void listenOn(AiServices<?> builder) {
        this.service = AiServiceConfig.of(builder);
        this.builderTools = BuilderTools.of(builder, config.toolErrorHandling());
        if (!builderTools.readable()) {
            log.warn("Cannot read the tools of this AiServices builder (a LangChain4j version this library does not"
                    + " know): @CompensateFor is refused, and error handlers set on the builder are honoured only"
                    + " with ToolErrorHandling.LANGCHAIN4J_HANDLERS, and its calls are taken to run concurrently");
        }
        this.capture = new BatchCapture(invocations, scheduler, this::runs, service, messages);
        capture.listenOn(builder);
    }

    /**
     * Lets a batch go past a call to a tool nobody has, once {@code unknownToolStrategy()} has answered it: the
     * invocation goes on, so what was emitted after it may run.
     *
     * @param request the call, as LangChain4j handed it to the strategy
     */
    void decidedUnknown(ToolExecutionRequest request) {
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
    void registerTools(AiServices<?> builder, Object toolObject) {
        tools.register(builder, toolObject, builderTools);
    }

    /**
     * Wraps one tool that is already built (a specification and its executor), such as a tool of a Spring AOP
     * proxy. Its policy is the one given by name, else the annotations of the executor's original method when it
     * is a {@code DefaultToolExecutor}, else the default.
     *
     * @param tool the tool
     * @return the tool with a wrapped executor and unchanged specification and return behavior
     * @throws IllegalArgumentException when a policy annotation is malformed or names no parameter of its tool
     */
    AiServiceTool wrapTool(AiServiceTool tool) {
        return tools.commit(tools.prepare(tool));
    }

    /**
     * Wraps a tool provider (MCP and others): each tool it provides runs through the library, under the policy
     * given for its name, or the default policy.
     *
     * @param provider the provider
     * @return a provider of wrapped tools
     */
    ToolProvider wrapProvider(ToolProvider provider) {
        return tools.wrap(provider);
    }

    /**
     * The built-in {@code read_result} tool, when cut results are kept; to register once per builder.
     *
     * @return the tool, or empty when results are not kept
     */
    Optional<AiServiceTool> readResultTool() {
        if (kept == null) {
            return Optional.empty();
        }
        ReadResultTool tool = new ReadResultTool(kept, limits.sliceChars(), tools.arguments(), this::privateScope);
        return Optional.of(tools.commit(tools.prepare(tool.tool(), ToolPolicy.read())));
    }

    /** @return whether the tool is one of this installation's */
    private boolean runs(String tool) {
        return tools.policy(tool) != null;
    }

    /** @return how many invocations this installation keeps state for now */
    long invocationsInFlight() {
        return invocations.size();
    }

    /** @return the policy of each tool this installation wrapped, by name */
    Map<String, ToolPolicy> policies() {
        return tools.policies();
    }

    /** Plans a batch as this installation would, without running it. */
    Plan plan(List<ToolExecutionRequest> requests) {
        return planner.plan(requests.stream().map(r -> new CallRequest(r.id(), r.name(), r.arguments())).toList());
    }

    /** Runs one call LangChain4j handed to a wrapped executor: within its batch's turn, or alone. */
    ToolExecutionResult execute(ToolExecutionRequest request, InvocationContext context) {
        UUID id = context == null ? null : context.invocationId();
        InvocationState state = invocations.enter(id);
        CallerSlot slot = callerMayRun && !service.streaming() ? CallerSlot.open() : null;
        try {
            Claim claim;
            CallOutcome outcome;
            try {
                Supplier<Claim> inBatch = () -> state.claim(request,
                        batch -> startBatch(batch, state, context),
                        () -> start(List.of(request), state, context, scheduler.capture()));
                // Decided per message, not per service: a message whose complete response came first is a whole batch.
                StreamedMessage source = service.streaming() ? messages.of(request) : null; // only a stream records one
                messages.reached(source, id); // a stream cancelled before: the invocation fails, the call is refused
                boolean wasComplete = service.streamsCalls() && source != null && source.isComplete();
                if (wasComplete) {
                    capture.streamedComplete(context, source); // no listener may have heard it (a reprompt's loop)
                }
                claim = service.streamsCalls()
                        ? state.joinStreamed(request, source, () -> openBatch(state, context, source), inBatch)
                        : inBatch.get();
                if (service.streamsCalls() && !wasComplete && source != null && source.isComplete()) {
                    capture.streamedComplete(context, source); // completed meanwhile: closes the batch it joined
                }
                CallerSlot own = slot;
                slot = null; // the turn is started and registered: a call held for this thread runs here
                if (own != null && own.runHere() && claim.run() != null) {
                    cancelInvocation(claim, id, state); // the outcome it waits for may be complete: get() won't see it
                }
                outcome = claim.run() == null ? refused(request, claim.refusal()) : await(claim, id, state, request.name());
                told.awaitIfOver(claim.run()); // the turn's report before its last answer
            } catch (RuntimeException e) {
                return CallResults.internalFailure(request, e);
            } finally {
                if (slot != null) {
                    slot.handOff(); // starting failed part way: a call held for this thread runs on a tool thread
                }
            }
            builderTools.finished(request, context, claim.run(), outcome); // end times order a rollback
            builderTools.handOver(outcome); // on purpose: LangChain4j's handlers word the tool's own failure
            try {
                if (config.observationFormat() == ObservationFormat.RAW
                        || immediateReturns.toApplication(claim.run(), outcome)) {
                    return CallResults.raw(outcome);
                }
                return CallResults.observed(outcome, limits.write(outcome, claim.allowance(limits, kept != null, outcome),
                        privateScope(context)));
            } catch (RuntimeException e) {
                // A fault while writing the observation (a token estimator, the kept results, the writer): the
                // model gets an envelope, never LangChain4j's default of the exception's text.
                return CallResults.internalFailure(request, e);
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
            ScheduledFuture<?> check = scheduler.schedule(
                    () -> state.cancelIfUndecided(batch, run, "LangChain4j did not answer a call to a tool that does "
                            + "not exist within " + Durations.format(UNKNOWN_TOOL_GRACE) + " (its hallucinated-tool "
                            + "strategy does not tell langchain4j-parallel; wrap it with "
                            + "ParallelTools.unknownToolStrategy(...)), so the calls after it were not run"),
                    Durations.nanos(UNKNOWN_TOOL_GRACE));
            run.whenDone().whenComplete((outcomes, error) -> check.cancel(false));
        }
        return run;
    }

    /**
     * Opens the batch of a message whose calls stream in: its turn starts with the first call to arrive, on the thread
     * that brought it, so its budget runs from that call's arrival; its tools see the message's context.
     */
    StreamedBatch openBatch(InvocationState state, InvocationContext context, StreamedMessage source) {
        return new StreamedBatch(planner.open(), source, this::runs, (empty, batch) -> {
            StreamedTurn run = (StreamedTurn) start(empty, state, context, source == null ? scheduler.capture()
                    : source.context(scheduler::capture), batch);
            state.track(run); // before its first call is added: a failed invocation's turn starts nothing
            return run;
        });
    }

    private TurnRun start(List<ToolExecutionRequest> requests, InvocationState state, InvocationContext context,
            CapturedContext captured) {
        return start(plan(requests), state, context, captured, null);
    }

    private TurnRun start(Plan plan, InvocationState state, InvocationContext context,
            CapturedContext captured, StreamedBatch streamed) {
        Object cacheScope = cacheScope(context);
        if (plan.hasExternalCall()) {
            CachedReads.unknownWrite(readCache, cacheScope);
        }
        if (log.isDebugEnabled()) {
            log.debug("Starting turn of invocation {}: {}", context == null ? null : context.invocationId(), plan);
        }
        UUID invocation = context == null ? null : context.invocationId();
        // Idempotency keys derive from this: stable across a call's attempts, distinct across turns.
        String key = invocation == null ? null : invocation + "#" + turns.incrementAndGet();
        Object rateLimitKey = context == null ? null : config.rateLimitKey().apply(context);
        TurnObserver.TurnScope turn = observers.turnStarted(invocation, plan);
        CallRunner calls = (call, arguments) -> tools.run(call, arguments, context, builderTools);
        CallRunner runner = new CachedReads(TurnObservers.around(calls, turn), readCache, cacheScope);
        TurnOptions options = new TurnOptions(config.turnTimeout().orElse(null), state.lock, key,
                config.maxConcurrentCallsPerTurn(), config.maxRetriesPerTurn(), config.rateLimitRetries(), rateLimitKey,
                config.maxRetryAfter());
        TurnRun run = streamed != null ? scheduler.open(plan, runner, options, captured)
                : scheduler.start(plan, runner, options, captured);
        if (turn != null) {
            // A streamed turn's plan grows while it runs: the report has the plan its last call joined.
            told.tell(run, turn, outcomes -> streamed == null
                    ? TurnReports.of(invocation, plan, outcomes)
                    : TurnReports.of(invocation, run.plan(), streamed.inModelOrder(outcomes),
                            ((StreamedTurn) run)::arrivedNanos));
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
     * Waits once: for the turn's end when the observation needs it anyway (see allowance), else for its outcome; a
     * failure that LangChain4j's handlers take is handed over the moment its call ends, not at the turn's end.
     */
    private CallOutcome await(Claim claim, UUID id, InvocationState state, String tool) {
        try {
            if (config.observationFormat() != ObservationFormat.RAW && immediateReturns.toModel(tool) && !(kept != null
                    && tool.equals(ReadResultTool.NAME)) && !builderTools.handsOverFailures() && claim.sharesTurn(limits, tool)) {
                claim.run().whenDone().get(); // one wake-up, at the turn's end, rather than one more per call
            }
            return claim.run().outcome(claim.index()).get();
        } catch (InterruptedException e) {
            cancelInvocation(claim, id, state);
            Thread.currentThread().interrupt();
            return claim.run().outcome(claim.index()).join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("A call outcome or a turn failed, which the scheduler never does", e);
        }
    }

    /** The caller's thread was interrupted: every call of its invocation stops, not only this one's turn. */
    private void cancelInvocation(Claim claim, UUID id, InvocationState state) {
        String reason = "the thread running the AI service was interrupted";
        invocations.fail(id, state, reason, service.streaming());
        claim.run().cancel(reason);
    }

    /** Whose cached reads a call may see: see {@link ResultScope}. */
    private Object cacheScope(InvocationContext context) {
        return config.shareCachedReads() ? new ResultScope(this, ReadCache.SHARED) : ResultScope.of(this, context);
    }

    /** Whose kept results a call may read: see {@link ResultScope}. */
    Object privateScope(InvocationContext context) {
        return ResultScope.of(this, context);
    }
}
