package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.langchain4j.service.tool.ToolService;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;
import io.github.parallel4j.internal.schedule.CallFailure;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The tools one installation runs: the policy of each, the executor LangChain4j would have run, its return
 * behavior, and the method whose parameter types LangChain4j coerces its arguments to. A tool is installed in two
 * steps, {@link #prepare} (checks, changes nothing) then {@link #commit}, so that a tool LangChain4j refuses never
 * replaces one installed before. Thread-safe.
 */
final class InstalledTools {

    private final ParallelToolsConfig config;
    /** The library's stand-in executor for a tool's name: it hands the call to its turn. */
    private final Function<String, ParallelToolExecutor> standIn;
    private final Map<String, ToolPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, ToolExecutor> delegates = new ConcurrentHashMap<>();
    private final Map<String, ReturnBehavior> returnBehaviors = new ConcurrentHashMap<>();
    private final LangChain4jArguments arguments = new LangChain4jArguments();

    /** A tool as the library installs it, not yet this installation's: see {@link #commit}. */
    record Prepared(AiServiceTool original, ToolPolicy policy, AiServiceTool installed) {}

    InstalledTools(ParallelToolsConfig config, Function<String, ParallelToolExecutor> standIn) {
        this.config = config;
        this.standIn = standIn;
    }

    /** @return the policy of an installed tool, or null when the tool is not this installation's */
    ToolPolicy policy(String name) {
        return policies.get(name);
    }

    /** @return the policy of each installed tool, by name */
    Map<String, ToolPolicy> policies() {
        return Map.copyOf(policies);
    }

    /** @return the return behavior of each installed tool, by name, as it changes */
    Map<String, ReturnBehavior> returnBehaviors() {
        return returnBehaviors;
    }

    /** @return how LangChain4j reads the arguments of each installed tool */
    LangChain4jArguments arguments() {
        return arguments;
    }

    /**
     * Registers the {@code @Tool} methods of an object on a builder as {@code builder.tools(toolObject)} would.
     *
     * @param builder the builder
     * @param toolObject an object with {@code @Tool} methods
     * @param builderTools the builder's tools, as LangChain4j keeps them
     */
    void register(AiServices<?> builder, Object toolObject, BuilderTools builderTools) {
        List<Prepared> prepared = ToolService.findTools(toolObject).stream().map(this::prepare).toList();
        // LangChain4j refuses a tool name the builder has already: only once it took the object are its tools
        // this installation's, so a refused object does not replace the executor of a tool registered before.
        builderTools.register(builder, toolObject, prepared.stream().map(Prepared::installed).toList());
        prepared.forEach(this::commit);
    }

    /** Prepares a built tool under its policy by name, else its method's annotations, else the default. */
    Prepared prepare(AiServiceTool tool) {
        ToolPolicy policy = config.toolPolicies().get(tool.name());
        if (policy == null && tool.toolExecutor() instanceof DefaultToolExecutor executor) {
            policy = ToolPolicy.of(executor.originalMethod(), config.defaultPolicy());
        }
        return prepare(tool, policy == null ? config.defaultPolicy() : policy);
    }

    /** Checks the tool's policy against its parameters and builds its installed form; changes nothing. */
    Prepared prepare(AiServiceTool tool, ToolPolicy policy) {
        checkKeysNameParameters(tool.toolSpecification(), policy);
        ParallelToolExecutor executor = standIn.apply(tool.name());
        // A @Tool method stays one to LangChain4j (@CompensateFor looks for it). LangChain4j's own executor as the
        // DefaultToolExecutor's object is a tripwire: the method is never invoked here, and were LangChain4j to
        // invoke it on that object (not an instance of the tool's class), it would fail rather than run the tool
        // behind the library.
        ToolExecutor installed = tool.toolExecutor() instanceof DefaultToolExecutor method
                ? new MethodToolExecutor(method, method.originalMethod(), executor)
                : executor;
        AiServiceTool.Builder wrapped = tool.toBuilder().toolExecutor(installed);
        if (config.describeScheduling()) {
            ToolSpecification spec = tool.toolSpecification();
            String description = spec.description() == null || spec.description().isBlank()
                    ? ModelGuidance.line(policy)
                    : spec.description() + " " + ModelGuidance.line(policy);
            wrapped.toolSpecification(spec.toBuilder().description(description).build());
        }
        return new Prepared(tool, policy, wrapped.build());
    }

    /** Makes the tool this installation's: calls to its name run its executor under its policy. */
    AiServiceTool commit(Prepared prepared) {
        AiServiceTool tool = prepared.original();
        String name = tool.name();
        arguments.method(name, tool.toolExecutor() instanceof DefaultToolExecutor executor
                ? executor.originalMethod()
                : null);
        policies.put(name, prepared.policy());
        delegates.put(name, tool.toolExecutor());
        returnBehaviors.put(name, tool.returnBehavior());
        return prepared.installed();
    }

    /** @return a provider whose tools are installed as they are provided, under their policy by name or the default */
    ToolProvider wrap(ToolProvider provider) {
        return new ToolProvider() {
            @Override
            public ToolProviderResult provideTools(ToolProviderRequest request) {
                ToolProviderResult result = provider.provideTools(request);
                if (result == null) {
                    return null;
                }
                ToolProviderResult.Builder builder = ToolProviderResult.builder();
                for (AiServiceTool tool : result.aiServiceTools()) {
                    ToolPolicy policy = config.toolPolicies().getOrDefault(tool.name(), config.defaultPolicy());
                    AiServiceTool w = commit(prepare(tool, policy));
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

    /**
     * Runs one call with the executor LangChain4j would have run, with the arguments the call runs with.
     *
     * @param call the call
     * @param arguments its arguments with every reference filled in
     * @param context the AI service invocation
     * @param builderTools the builder's tools, as LangChain4j keeps them
     * @return the tool's output
     * @throws Exception what the tool threw, or a {@link CallFailure} with the error code that says why
     */
    ToolOutput run(PlannedCall call, JsonNode arguments, InvocationContext context, BuilderTools builderTools)
            throws Exception {
        ToolExecutor delegate = delegates.get(call.name());
        if (delegate == null) {
            throw new CallFailure(ErrorCode.UNKNOWN_TOOL, PlannedCall.noSuchTool(call.name()), null);
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
            throw new CallFailure(ErrorCode.INVALID_ARGUMENTS, CallFailure.messageOf(cause), e);
        } catch (ToolExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CallFailure(ErrorCode.TOOL_ERROR, CallFailure.messageOf(cause), cause);
        }
        if (result.isError()) {
            throw new CallFailure(ErrorCode.TOOL_ERROR, ToolResults.text(result.resultContents()), null);
        }
        return new ToolOutput(ToolResults.toJson(result), result);
    }

    private static void checkKeysNameParameters(ToolSpecification spec, ToolPolicy policy) {
        Set<String> parameters =
                spec.parameters() == null ? Set.of() : spec.parameters().properties().keySet();
        for (ResourceKeyTemplate template : ResourceKeyTemplate.compiled(policy.resourceKeys())) {
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
}
