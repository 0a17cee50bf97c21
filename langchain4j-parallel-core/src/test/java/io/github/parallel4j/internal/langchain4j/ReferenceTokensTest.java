package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A reference token is resolved or refused; it never reaches a tool as literal text by accident. */
class ReferenceTokensTest {

    interface Assistant {
        String chat(String message);
    }

    static class People {
        final List<String> greeted = new CopyOnWriteArrayList<>();

        @Tool
        @ParallelSafe
        String person(String id) {
            return "{\"prénom\":\"Zoé\",\"名前\":\"花子\",\"items\":[\"a\",\"b\"],\"name\":\"Zoe\"}";
        }

        @Tool
        @ParallelSafe
        String greet(String name) {
            greeted.add(name);
            return "hello " + name;
        }
    }

    private static List<JsonNode> run(People people, String argument) {
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("call_1", "person", "{\"id\":\"p1\"}"),
                call("call_2", "greet", "{\"name\":\"" + argument + "\"}")));
        ParallelTools.builder().build().install(AiServices.builder(Assistant.class), people)
                .chatModel(model).build().chat("go");
        return model.observations();
    }

    @Test
    void should_resolve_field_names_in_any_script() {
        People people = new People();

        run(people, "$call_1.prénom");
        run(people, "${call_1.名前}");
        run(people, "dear ${call_1.prénom}");

        assertThat(people.greeted).containsExactly("Zoé", "花子", "dear Zoé");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "$call_1.items[99999999999]", // an index beyond int
        "$call_1.first name", // a field name the syntax cannot spell
        "$call_1.name.", // a path that ends in a dot
        "dear $call_1.name", // unbraced inside a longer string
        "dear ${call_1.name", // unclosed
        "${call_1.name} and $call_1.name", // one good, one not
        "$call_9.name" // no such call
    })
    void should_refuse_a_reference_token_that_is_not_a_reference_it_can_resolve(String argument) {
        People people = new People();

        List<JsonNode> observations = run(people, argument);

        assertThat(observations.get(1).get("error_code").asText()).isEqualTo("UNRESOLVED_REFERENCE");
        assertThat(observations.get(1).get("error").asText()).contains("call_");
        assertThat(people.greeted).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$100", "$HOME/bin", "price: $5, cost: ${x}", "US$", "$"})
    void should_pass_on_dollar_text_that_holds_no_reference_token(String argument) {
        People people = new People();

        run(people, argument);

        assertThat(people.greeted).containsExactly(argument);
    }
}
