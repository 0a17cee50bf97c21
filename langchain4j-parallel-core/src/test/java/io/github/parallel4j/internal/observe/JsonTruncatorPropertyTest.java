package io.github.parallel4j.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class JsonTruncatorPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final JsonTruncator truncator = new JsonTruncator();

    @Provide
    Arbitrary<JsonNode> values() {
        return value(4);
    }

    private Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300).map(NODES::textNode),
                Arbitraries.strings().withChars("\"\\\n\té€😀ab").ofMaxLength(80).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(12).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)
                .list().ofMaxSize(10).uniqueElements()
                .flatMap(keys -> value(depth - 1).list().ofSize(keys.size()).map(vals -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), vals.get(i));
                    }
                    return (JsonNode) o;
                }));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(2, array), net.jqwik.api.Tuple.of(2, object));
    }

    @Property(tries = 1000)
    void truncated_output_is_valid_json_within_the_limit_and_says_what_it_left_out(
            @ForAll("values") JsonNode value, @ForAll @IntRange(min = 32, max = 3000) int limit) throws Exception {
        JsonTruncator.Result result = truncator.truncate(value, limit);
        String text = result.value().toString();
        net.jqwik.api.statistics.Statistics.label("cut").collect(result.truncated());

        assertThat(JSON.readTree(text)).as("valid JSON").isNotNull();
        assertThat(result.originalChars()).isEqualTo(value.toString().length());
        if (value.toString().length() <= limit) {
            assertThat(result.truncated()).isFalse();
            assertThat(result.value()).isEqualTo(value);
        } else {
            assertThat(result.truncated()).isTrue();
            assertThat(text.length()).as("within %d", limit).isLessThanOrEqualTo(limit);
            assertThat(text).as("says what it left out").contains("…");
        }
    }

    @Test
    void should_cut_a_string_made_of_characters_that_need_escaping() throws Exception {
        JsonNode value = JSON.getNodeFactory().textNode("\"".repeat(50));

        JsonTruncator.Result result = truncator.truncate(value, 60);

        assertThat(result.value().toString().length()).isLessThanOrEqualTo(60);
        assertThat(JSON.readTree(result.value().toString()).asText()).startsWith("\"").contains("…[+", " chars]");
    }

    @Test
    void should_cut_what_has_no_structure_as_text_and_measure_odd_numbers_right() throws Exception {
        JsonNode huge = JSON.readTree("1" + "2".repeat(200));
        JsonTruncator.Result number = truncator.truncate(huge, 40);
        assertThat(number.value().toString().length()).isLessThanOrEqualTo(40);
        assertThat(number.value().asText()).contains("chars]");

        JsonNode nan = JSON.getNodeFactory().numberNode(Double.NaN);
        assertThat(JsonTruncator.measure(nan)).isEqualTo(JSON.writeValueAsString(nan).length());
        JsonNode emoji = JSON.getNodeFactory().pojoNode("😀\"".repeat(40));
        JsonTruncator.Result pojo = truncator.truncate(emoji, 60);
        assertThat(pojo.value().toString().length()).isLessThanOrEqualTo(60);
        assertThat(JSON.readTree(pojo.value().toString())).isNotNull();
    }

    @Test
    void should_not_overwrite_a_field_named_like_the_marker() throws Exception {
        JsonNode value = JSON.readTree("{\"…\":\"mine\",\"b\":\"" + "x".repeat(200) + "\",\"c\":1,\"d\":2}");

        JsonNode cut = truncator.truncate(value, 60).value();

        assertThat(cut.get("…").asText()).isEqualTo("mine");
        assertThat(cut.toString()).contains("fields");
    }

    @Test
    void should_keep_the_beginning_and_count_what_it_left_out() throws Exception {
        JsonNode value = JSON.readTree("{\"incident\":\"INC-7\",\"events\":[" + "{\"t\":1,\"msg\":\"disk full\"},".repeat(200)
                + "{\"t\":2}],\"tail\":\"" + "x".repeat(500) + "\"}");

        JsonTruncator.Result result = truncator.truncate(value, 300);

        assertThat(result.truncated()).isTrue();
        JsonNode cut = result.value();
        assertThat(cut.get("incident").asText()).isEqualTo("INC-7");
        List<JsonNode> events = List.copyOf(cut.get("events").findParents("t"));
        assertThat(events).isNotEmpty();
        assertThat(cut.toString()).contains("items]").contains("\"…\":\"+1 fields\"");
    }

    @Test
    void should_cut_a_megabyte_quickly_enough_to_sit_on_the_hot_path() throws Exception {
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"text\":\"").append("y".repeat(40)).append("\"}");
        }
        JsonNode value = JSON.readTree(big.append("]").toString());
        assertThat(value.toString().length()).isGreaterThan(1_000_000);

        JsonTruncator.Result result = truncator.truncate(value, 8_000);

        assertThat(result.value().toString().length()).isLessThanOrEqualTo(8_000);
        assertThat(result.value().get(result.value().size() - 1).asText()).matches("…\\[\\+\\d+ items]");
    }
}
