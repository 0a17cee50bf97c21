package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.IllegalConfigurationException;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tool object LangChain4j refuses leaves the tools registered before it as they were. */
class RefusedRegistrationTest {

    interface Assistant {
        String chat(String message);
    }

    static class First {
        @Tool
        String status(String orderId) {
            return "first " + orderId;
        }
    }

    static class Second {
        @Tool
        String status(String orderId) {
            return "second " + orderId;
        }
    }

    @Test
    void should_keep_running_the_registered_tool_when_langchain4j_refuses_a_second_one_of_its_name() {
        ParallelTools parallel = ParallelTools.builder().build();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(call("c1", "status", "{\"orderId\": \"1\"}")));
        AiServices<Assistant> builder = parallel.install(AiServices.builder(Assistant.class), new First())
                .chatModel(model);

        assertThatThrownBy(() -> parallel.install(builder, new Second()))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("status");
        builder.build().chat("go");

        assertThat(model.observations().get(0).get("result").asText()).isEqualTo("first 1");
    }
}
