package io.github.parallel4j.compat;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * LangChain4j's tests of AI services with tools, as its test-sources jar has them (unpacked at build time), run
 * through the JUnit Platform launcher in one {@link CompatMode}.
 */
final class UpstreamSuite {

    /** The upstream classes run, as LangChain4j names them. */
    static final List<String> CLASSES = List.of(
            "dev.langchain4j.service.AiServicesWithToolsWithDefaultValuesTest",
            "dev.langchain4j.service.AiServicesWithToolErrorHandlerTest",
            "dev.langchain4j.service.AiServicesBuilderTest",
            "dev.langchain4j.service.AiServicesObservabilityTests",
            "dev.langchain4j.service.guardrail.AiServiceGuardrailTests",
            "dev.langchain4j.service.guardrail.InputGuardrailChainTests",
            "dev.langchain4j.service.guardrail.DefaultGuardrailServiceTests",
            "dev.langchain4j.service.guardrail.StreamingOutputGuardrailBufferDrainTest",
            "dev.langchain4j.service.tool.ReturnBehaviorCombinationsTest",
            "dev.langchain4j.service.tool.HallucinatedToolNameStrategyTest",
            "dev.langchain4j.service.tool.ProgrammaticCreatedImmediateReturnToolTest",
            "dev.langchain4j.service.tool.StreamingProgrammaticCreatedImmediateReturnToolTest",
            "dev.langchain4j.service.tool.DynamicToolProviderMemoryEvictionTest",
            "dev.langchain4j.service.AiServicesWithToolsIT",
            "dev.langchain4j.service.StreamingAiServicesWithToolsIT");

    /**
     * Tests of the two IT classes that talk to a real OpenAI model (they build {@code OpenAiChatModel} from
     * {@code OPENAI_API_KEY}); not run. Their class-level {@code @EnabledIfEnvironmentVariable} is deactivated so
     * that the scripted tests beside them run.
     */
    static final Set<String> NEED_A_REAL_MODEL = Set.of(
            "AiServicesWithToolsIT#should_allow_configuring_tools_and_tool_provider_simultaneously",
            "AiServicesWithToolsIT#should_allow_result_of_void_return",
            "AiServicesWithToolsIT#should_allow_void_return",
            "AiServicesWithToolsIT#should_call_tool_with_jackson_annotated_polymorphic_argument",
            "AiServicesWithToolsIT#should_call_tool_with_list_of_polymorphic_arguments",
            "AiServicesWithToolsIT#should_call_tool_with_pojo_containing_nested_polymorphic_field",
            "AiServicesWithToolsIT#should_call_tool_with_polymorphic_sealed_argument",
            "AiServicesWithToolsIT#should_execute_a_tool_and_context_included_in_result",
            "AiServicesWithToolsIT#should_execute_a_tool_then_answer",
            "AiServicesWithToolsIT#should_execute_multi_tool_in_parallel_and_context_included_in_result",
            "AiServicesWithToolsIT#should_execute_multiple_tools_in_parallel_concurrently_then_answer",
            "AiServicesWithToolsIT#should_execute_multiple_tools_in_parallel_then_answer",
            "AiServicesWithToolsIT#should_execute_multiple_tools_sequentially_and_context_included_in_result",
            "AiServicesWithToolsIT#should_execute_multiple_tools_sequentially_then_answer",
            "AiServicesWithToolsIT#should_execute_single_tool_in_the_same_thread",
            "AiServicesWithToolsIT#should_execute_tool_with_custom_name",
            "AiServicesWithToolsIT#should_execute_tool_with_custom_return_type",
            "AiServicesWithToolsIT#should_not_execute_multiple_tools_sequentially_when_maxSequentialToolsInvocations_is_exceeded",
            "AiServicesWithToolsIT#should_propagate_custom_invocation_parameters_into_tool",
            "AiServicesWithToolsIT#should_propagate_invocation_context_into_tool",
            "AiServicesWithToolsIT#should_propagate_invocation_parameters_between_tools",
            "AiServicesWithToolsIT#should_propagate_invocation_parameters_into_tool",
            "AiServicesWithToolsIT#should_rewrite_chat_request_using_tool",
            "AiServicesWithToolsIT#should_support_custom_tool_parameter_name",
            "AiServicesWithToolsIT#should_use_programmatically_configured_tools",
            "AiServicesWithToolsIT#should_use_tool_provider",
            "AiServicesWithToolsIT#should_use_tool_with_Array_of_Strings_parameter",
            "AiServicesWithToolsIT#should_use_tool_with_List_of_Integers_parameter",
            "AiServicesWithToolsIT#tools_as_agents_tests",
            "StreamingAiServicesWithToolsIT#should_customize_error_returned_from_tool_before_sending_to_LLM",
            "StreamingAiServicesWithToolsIT#should_execute_a_tool_then_answer",
            "StreamingAiServicesWithToolsIT#should_execute_multiple_tools_in_parallel_concurrently_then_answer",
            "StreamingAiServicesWithToolsIT#should_execute_single_tool_concurrently",
            "StreamingAiServicesWithToolsIT#should_fail_when_tool_throws_error",
            "StreamingAiServicesWithToolsIT#should_invoke_partial_tool_call_handler",
            "StreamingAiServicesWithToolsIT#should_invoke_tool_before_execution_handler",
            "StreamingAiServicesWithToolsIT#should_invoke_tool_execution_handler",
            "StreamingAiServicesWithToolsIT#should_not_execute_multiple_tools_sequentially_when_maxSequentialToolsInvocations_is_exceeded",
            "StreamingAiServicesWithToolsIT#should_propagate_error_message_thrown_from_tool_to_LLM_by_default",
            "StreamingAiServicesWithToolsIT#should_propagate_exception_type_to_LLM_when_exception_without_message_is_thrown_from_tool",
            "StreamingAiServicesWithToolsIT#should_propagate_invocation_parameters_into_tool",
            "StreamingAiServicesWithToolsIT#should_use_tool_provider",
            "StreamingAiServicesWithToolsIT#should_use_tool_with_enum_parameter");

    /** What one run did. */
    record Outcome(int tests, Map<String, Throwable> failures, int skipped) {
        Set<String> failed() {
            return new TreeSet<>(failures.keySet());
        }
    }

    private UpstreamSuite() {}

    static Outcome run(CompatMode mode) {
        mode.activate();
        try {
            return launch();
        } finally {
            CompatMode.deactivate();
        }
    }

    private static Outcome launch() {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .configurationParameter("junit.jupiter.conditions.deactivate",
                        "org.junit.jupiter.api.condition.EnabledIfEnvironmentVariableCondition")
                .filters((PostDiscoveryFilter) descriptor -> descriptor.getSource()
                        .filter(MethodSource.class::isInstance)
                        .map(MethodSource.class::cast)
                        .filter(m -> NEED_A_REAL_MODEL.contains(name(m)))
                        .map(m -> FilterResult.excluded("needs a real OpenAI model"))
                        .orElse(FilterResult.included("scripted")));
        for (String name : CLASSES) {
            request.selectors(selectClass(name));
        }
        LauncherDiscoveryRequest discovery = request.build();
        Map<String, Throwable> failures = new TreeMap<>();
        int[] counts = new int[2];
        Launcher launcher = LauncherFactory.create();
        launcher.execute(discovery, new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier test) {
                if (test.isTest()) {
                    Executions.testStarted(name(test));
                }
            }

            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                if (test.isTest()) {
                    counts[1]++;
                }
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest()) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        // a failing class or container: every test in it counts as failed under its name
                        failures.put(name(test), result.getThrowable().orElse(null));
                    }
                    return;
                }
                counts[0]++;
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    failures.putIfAbsent(name(test), result.getThrowable().orElse(null));
                }
            }
        });
        return new Outcome(counts[0], failures, counts[1]);
    }

    /** @return whether an upstream class of {@link #CLASSES} has a method named as in {@code Class#method} */
    static boolean exists(String name) {
        String type = name.substring(0, name.indexOf('#'));
        String method = name.substring(name.indexOf('#') + 1);
        return CLASSES.stream().filter(c -> c.endsWith("." + type)).anyMatch(c -> {
            try {
                return java.util.Arrays.stream(Class.forName(c).getDeclaredMethods())
                        .anyMatch(m -> m.getName().equals(method));
            } catch (ClassNotFoundException e) {
                return false;
            }
        });
    }

    /** {@code SimpleClassName#method}: one name for every invocation of a parameterized test. */
    static String name(MethodSource source) {
        String type = source.getClassName();
        return type.substring(type.lastIndexOf('.') + 1) + "#" + source.getMethodName();
    }

    private static String name(TestIdentifier test) {
        return test.getSource()
                .filter(MethodSource.class::isInstance)
                .map(s -> name((MethodSource) s))
                .orElse(test.getDisplayName());
    }
}
