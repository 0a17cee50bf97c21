package io.github.parallel4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ReferencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Predicate<String> IDS = Set.of("call_1", "toolu_01", "x")::contains;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void should_find_whole_braced_and_embedded_references_with_paths() throws Exception {
        List<Reference> refs = References.findAll(json(
                "{\"a\":\"$call_1.order_id\",\"b\":[\"${toolu_01.items[2].sku}\"],\"c\":{\"d\":\"id ${x} and ${call_7}\"}}"),
                IDS);

        assertThat(refs).extracting(Reference::callId).containsExactly("call_1", "toolu_01", "x", "call_7");
        assertThat(refs.get(0).path()).containsExactly("order_id");
        assertThat(refs.get(1).path()).containsExactly("items", 2, "sku");
        assertThat(refs.get(2).path()).isEmpty();
    }

    @Test
    void should_read_field_names_in_any_script_and_refuse_tokens_that_are_no_reference() throws Exception {
        List<Reference> refs = References.findAll(json("{\"a\":\"$call_1.prénom\",\"b\":\"Hi ${call_1.名前}!\"}"), IDS);
        assertThat(refs).extracting(Reference::path).containsExactly(List.of("prénom"), List.of("名前"));

        for (String text : List.of("$call_1.items[99999999999]", "$call_1.first name", "to $call_1.id",
                "${call_1.id", "$call_1.", "$x.a b")) {
            assertThatThrownBy(() -> References.findAll(JSON.createObjectNode().put("a", text), IDS))
                    .as(text).isInstanceOf(References.UnresolvedReferenceException.class);
        }
        for (String text : List.of("$100", "$HOME", "a $ b", "${HOME}", "$ call_1")) {
            assertThat(References.findAll(JSON.createObjectNode().put("a", text), IDS)).as(text).isEmpty();
        }
    }

    @Test
    void should_substitute_whole_references_keeping_the_json_type() throws Exception {
        JsonNode output = json("{\"order_id\":42,\"items\":[{\"sku\":\"A\"},{\"sku\":\"B\"}],\"ok\":true}");

        JsonNode resolved = References.resolve(
                json("{\"n\":\"$call_1.order_id\",\"s\":\"${call_1.items[1].sku}\",\"whole\":\"$call_1.items\","
                        + "\"text\":\"order ${call_1.order_id}: ${call_1.items[0].sku}\",\"keep\":\"$5\",\"num\":3}"),
                IDS, ref -> ref.select(output));

        assertThat(resolved.get("n").isNumber()).isTrue();
        assertThat(resolved.get("n").asInt()).isEqualTo(42);
        assertThat(resolved.get("s").asText()).isEqualTo("B");
        assertThat(resolved.get("whole").isArray()).isTrue();
        assertThat(resolved.get("text").asText()).isEqualTo("order 42: A");
        assertThat(resolved.get("keep").asText()).isEqualTo("$5");
        assertThat(resolved.get("num").asInt()).isEqualTo(3);
    }

    @Test
    void should_select_nothing_for_a_missing_field_index_or_type_mismatch() throws Exception {
        JsonNode output = json("{\"a\":[1],\"b\":\"text\"}");

        assertThat(new Reference("x", List.of("missing"), "$x.missing").select(output)).isNull();
        assertThat(new Reference("x", List.of("a", 5), "$x.a[5]").select(output)).isNull();
        assertThat(new Reference("x", List.of("b", "c"), "$x.b.c").select(output)).isNull();
        assertThat(new Reference("x", List.of("a", 0), "$x.a[0]").select(output).asInt()).isEqualTo(1);
    }

    @Test
    void should_let_the_resolver_refuse_a_reference() throws Exception {
        assertThatThrownBy(() -> References.resolve(json("{\"a\":\"$call_1.z\"}"), IDS, ref -> {
                    throw new References.UnresolvedReferenceException("no " + ref.text());
                }))
                .isInstanceOf(References.UnresolvedReferenceException.class)
                .hasMessage("no $call_1.z");
        assertThat(References.containsReference("see ${call_1.a}", IDS)).isTrue();
        assertThat(References.containsReference("costs $100", IDS)).isFalse();
        assertThat(Map.of()).isEmpty();
    }
}
