package io.github.parallel4j.internal.langchain4j;

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
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.internal.observe.KeptResults;
import io.github.parallel4j.internal.plan.ArgumentReader;
import io.github.parallel4j.internal.plan.ParsedArguments;
import java.util.function.Function;

/**
 * The built-in tool that reads the rest of a result that was cut: {@code read_result(handle, offset, length)}.
 * Only the conversation (or, without a memory id, the AI service invocation) that received a handle can read it,
 * and only through the AI service whose tools produced it.
 */
final class ReadResultTool implements ToolExecutor {

    static final String NAME = "read_result";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeptResults kept;
    private final int maxSlice;
    private final ArgumentReader reader;
    private final Function<InvocationContext, Object> scope;

    /**
     * @param kept where the results are kept
     * @param maxSlice the most characters of one slice, {@link ParallelToolsConfig#NO_LIMIT 0} for no limit
     * @param reader how arguments are read, as for every other tool
     * @param scope whose results an invocation may read; the same scope they were kept under
     */
    ReadResultTool(KeptResults kept, int maxSlice, ArgumentReader reader, Function<InvocationContext, Object> scope) {
        this.kept = kept;
        this.maxSlice = maxSlice;
        this.reader = reader;
        this.scope = scope;
    }

    AiServiceTool tool() {
        ToolSpecification spec = ToolSpecification.builder()
                .name(NAME)
                .description("Reads more of a tool result that was cut (marked \"truncated\" with a \"handle\"). "
                        + "The full result is text (its compact JSON); read it from offset"
                        + (maxSlice == ParallelToolsConfig.NO_LIMIT ? "." : ", at most " + maxSlice
                                + " characters at a time."))
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
        ParsedArguments parsed = reader.parse(request.arguments());
        if (!parsed.ok()) {
            throw new ToolArgumentsException(parsed.failure());
        }
        JsonNode args = parsed.value();
        String handle = args.path("handle").asText(null);
        int offset = args.path("offset").asInt(0);
        // With no limit, a call without a length reads the rest.
        int most = maxSlice == ParallelToolsConfig.NO_LIMIT ? Integer.MAX_VALUE : maxSlice;
        int length = Math.min(most, args.path("length").asInt(most));
        KeptResults.Slice slice = kept.read(scope.apply(context), handle, offset, length).orElseThrow(() ->
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
