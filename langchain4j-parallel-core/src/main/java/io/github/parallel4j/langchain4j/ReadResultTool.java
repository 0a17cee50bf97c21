package io.github.parallel4j.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import io.github.parallel4j.observe.KeptResults;

/**
 * The built-in tool that reads the rest of a result that was cut: {@code read_result(handle, offset, length)}.
 * Only the conversation that received a handle can read it.
 */
final class ReadResultTool implements ToolExecutor {

    static final String NAME = "read_result";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeptResults kept;
    private final int maxSlice;

    ReadResultTool(KeptResults kept, int maxSlice) {
        this.kept = kept;
        this.maxSlice = maxSlice;
    }

    AiServiceTool tool() {
        ToolSpecification spec = ToolSpecification.builder()
                .name(NAME)
                .description("Reads more of a tool result that was cut (marked \"truncated\" with a \"handle\"). "
                        + "The full result is text (its compact JSON); read it from offset, at most " + maxSlice
                        + " characters at a time.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("handle", "the handle given with the cut result")
                        .addIntegerProperty("offset", "the first character to read, from 0")
                        .addIntegerProperty("length", "how many characters to read")
                        .required("handle", "offset")
                        .build())
                .build();
        return AiServiceTool.builder().toolSpecification(spec).toolExecutor(this).build();
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        JsonNode args;
        try {
            args = JSON.readTree(request.arguments() == null || request.arguments().isBlank() ? "{}" : request.arguments());
        } catch (JsonProcessingException e) {
            throw new ToolArgumentsException("the arguments are not valid JSON: " + e.getOriginalMessage());
        }
        String handle = args.path("handle").asText(null);
        int offset = args.path("offset").asInt(0);
        int length = Math.min(maxSlice, args.path("length").asInt(maxSlice));
        Object conversation = context == null ? null : context.chatMemoryId();
        KeptResults.Slice slice = kept.read(conversation, handle, offset, length).orElseThrow(() ->
                new ToolArgumentsException("no kept result has handle '" + handle + "' in this conversation"
                        + " (results are kept for " + kept.keepFor().toMinutes() + " min)"));
        ObjectNode result = JSON.createObjectNode();
        result.put("handle", slice.handle());
        result.put("offset", slice.offset());
        result.put("length", slice.text().length());
        result.put("total", slice.total());
        result.put("more", slice.offset() + slice.text().length() < slice.total());
        result.put("text", slice.text());
        return ToolExecutionResult.builder().result(result.toString()).resultText(result.toString()).build();
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
        return executeWithContext(request, InvocationContext.builder().chatMemoryId(memoryId).build()).resultText();
    }
}
