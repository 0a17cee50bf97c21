package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelGuidanceTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool("Order by id") @ParallelSafe String order(String orderId) { return "o"; }
        @Tool("Cancel an order") @Writes(resourceKey = "order:{orderId}") String cancel(String orderId) { return "c"; }
        @Tool("Post to Slack") @Writes String post(String text) { return "p"; }
    }

    private static Map<String, String> descriptionsSeenByTheModel(ParallelTools parallel) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "order", "{\"orderId\":\"1\"}")));
        parallel.install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        return model.requests().get(0).toolSpecifications().stream()
                .collect(Collectors.toMap(ToolSpecification::name, ToolSpecification::description));
    }

    @Test
    void should_tell_the_model_how_each_tool_is_scheduled_when_asked() {
        Map<String, String> descriptions = descriptionsSeenByTheModel(ParallelTools.builder().describeScheduling(true).build());

        assertThat(descriptions.get("order")).isEqualTo("Order by id (Read-only: safe to call in parallel with other calls.)");
        assertThat(descriptions.get("cancel")).contains("calls on the same order run in the order you emit them");
        assertThat(descriptions.get("post")).contains("runs alone");
    }

    @Test
    void should_leave_descriptions_as_written_by_default_and_offer_a_system_prompt_snippet() {
        Map<String, String> descriptions = descriptionsSeenByTheModel(ParallelTools.builder().build());

        assertThat(descriptions.get("order")).isEqualTo("Order by id");
        assertThat(ParallelTools.builder().build().systemPromptSnippet())
                .contains("\"$call_1.order_id\"").contains("${call_1.order_id}").contains("truncated");
    }

    @Test
    void should_write_the_system_prompt_snippet_as_one_paragraph_with_single_spaces() {
        String snippet = ParallelTools.builder().build().systemPromptSnippet();

        assertThat(snippet).doesNotContain("  ").doesNotContain("\n").doesNotContain("\t")
                .startsWith("You may call several tools in one message.")
                .contains("calls that change state run in the order you emit them")
                .endsWith("says what it left out.");
    }
}
