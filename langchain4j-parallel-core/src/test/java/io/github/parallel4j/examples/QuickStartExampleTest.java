package io.github.parallel4j.examples;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Quick start file compiles (it is in this source set) and its assistant runs as written. */
class QuickStartExampleTest {

    @Test
    void should_answer_through_the_library_when_the_model_asks_for_two_reads_in_one_message() {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("call_1", "order", "{\"orderId\":\"42\"}"),
                call("call_2", "customer", "{\"customerId\":\"$call_1.customerId\"}")));

        QuickStartExample.assistant(model).chat("Where is order 42, and who placed it?");

        assertThat(model.observations()).hasSize(2).allSatisfy(o -> assertThat(o.get("ok").asBoolean()).isTrue());
        assertThat(model.observations().get(1).get("result").get("name").asText()).isEqualTo("Ada");
        assertThat(model.observations().get(1).get("wave").asInt()).isEqualTo(2);
    }
}
