package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.observe.ObservationWriter;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.schedule.CallOutcome;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What LangChain4j is handed back for one call: the observation (with the tool's own non-text contents, its
 * result object and attributes, so that LangChain4j's return behaviors and compensation see them), the tool's
 * plain result in the raw format, or an error envelope for a call the library could not handle.
 */
final class CallResults {

    private static final Logger INSTALLATION_LOG = LoggerFactory.getLogger(Installation.class);

    private CallResults() {}

    /**
     * @param outcome how the call ended
     * @param observation the observation the model reads
     * @return the result, carrying the tool's own contents besides the text
     */
    static ToolExecutionResult observed(CallOutcome outcome, String observation) {
        ToolExecutionResult raw = outcome.ok() && outcome.output().attachment() instanceof ToolExecutionResult r
                ? r
                : null;
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
     * @param outcome how the call ended
     * @return LangChain4j's plain result: the tool's own, or the error message
     */
    static ToolExecutionResult raw(CallOutcome outcome) {
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

    /**
     * An envelope for a call the library could not handle because of a fault of its own: it names the
     * exception's class only, never a stack trace nor a bare exception text. The fault is logged in full, under
     * {@link Installation}'s name, where the call was handled.
     *
     * @param request the call
     * @param e the fault
     * @return the result
     */
    static ToolExecutionResult internalFailure(ToolExecutionRequest request, RuntimeException e) {
        INSTALLATION_LOG.error("langchain4j-parallel could not run call {} ({}); it answered the model with an error",
                request.id(), request.name(), e);
        String observation = ObservationWriter.refused(request.id(), request.name(), ErrorCode.TOOL_ERROR,
                "the call could not be run because of an internal error (" + e.getClass().getSimpleName()
                        + "); it did not run");
        return ToolExecutionResult.builder().isError(true).resultText(observation).build();
    }

    /**
     * @param request a call of a tool that does not exist
     * @return its {@code UNKNOWN_TOOL} observation
     */
    static ToolExecutionResultMessage unknownTool(ToolExecutionRequest request) {
        return ToolExecutionResultMessage.builder()
                .id(request.id())
                .toolName(request.name())
                .text(ObservationWriter.refused(request.id(), request.name(), ErrorCode.UNKNOWN_TOOL,
                        PlannedCall.noSuchTool(request.name())))
                .isError(true)
                .build();
    }
}
