package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolMemoryId;
import io.github.parallel4j.internal.plan.ParsedArguments;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The values a Java tool method receives, as LangChain4j's own coercion makes them, fill its resource keys. */
class LangChain4jArgumentsTest {

    enum Status { OPEN, CLOSED }

    record Customer(String id, int tier) {}

    @SuppressWarnings("unused")
    static class Tools {
        String typed(long id, String text, Status status, Optional<Integer> page,
                @P(value = "region", defaultValue = "eu") String region, Customer customer,
                @ToolMemoryId Object memory) {
            return "";
        }
    }

    private final LangChain4jArguments reader = new LangChain4jArguments();

    private JsonNode canonical(String arguments) throws Exception {
        Method method = Arrays.stream(Tools.class.getDeclaredMethods()).filter(m -> m.getName().equals("typed"))
                .findFirst().orElseThrow();
        reader.method("typed", method);
        ParsedArguments parsed = reader.parse(arguments);
        assertThat(parsed.ok()).as(String.valueOf(parsed.failure())).isTrue();
        return reader.canonical("typed", parsed.value(), text -> text.startsWith("$call_"));
    }

    private static String key(String template, JsonNode values) {
        return ResourceKeyTemplate.parse(template).fill(values, text -> text.startsWith("$call_")).toString();
    }

    @Test
    void should_key_each_argument_by_the_value_the_method_receives() throws Exception {
        JsonNode a = canonical("{\"id\":\" 01\",\"text\":1.0,\"status\":\"open\",\"page\":\"2\","
                + "\"customer\":{\"id\":\"c7\",\"tier\":\"3\"},\"unknown\":true}");
        JsonNode b = canonical("{\"id\":1e0,\"text\":\"1.0\",\"status\":\"OPEN\",\"page\":2.0,"
                + "\"customer\":{\"tier\":3,\"id\":\"c7\"}}");

        assertThat(a).isEqualTo(b);
        assertThat(key("k:{id}:{text}:{status}:{page}:{region}:{customer.tier}", a))
                .as("the absent region takes its @P default").isEqualTo("k:1:1.0:OPEN:2:eu:3");
        assertThat(a.has("unknown")).as("a field no parameter takes is ignored, as LangChain4j ignores it").isFalse();
        assertThat(a.has("memory")).isFalse();
    }

    @Test
    void should_tell_apart_what_the_method_can_tell_apart() throws Exception {
        assertThat(canonical("{\"id\":1,\"text\":1}")).isNotEqualTo(canonical("{\"id\":1,\"text\":1.0}"));
        assertThat(canonical("{\"id\":1}")).isNotEqualTo(canonical("{\"id\":2}"));
    }

    @Test
    void should_leave_references_and_refused_values_as_json() throws Exception {
        JsonNode values = canonical("{\"id\":\"$call_1.id\",\"text\":\"x\"}");
        assertThat(key("order:{id}", values)).isEqualTo("order:*");

        JsonNode refused = canonical("{\"id\":\"abc\"}");
        assertThat(key("order:{id}", refused)).as("the tool will refuse it; until then it keys by its JSON")
                .isEqualTo("order:abc");
    }

    @Test
    void should_parse_as_langchain4j_does_and_keep_its_exception() {
        assertThat(reader.parse("\"{\\\"id\\\": 7}\"").value().get("id").asInt()).isEqualTo(7);
        assertThat(reader.parse("{\"id\": 7,}").value().get("id").asInt()).isEqualTo(7);
        assertThat(reader.parse("  ").value().isEmpty()).isTrue();
        ParsedArguments broken = reader.parse("{\"id\": ");
        assertThat(broken.ok()).isFalse();
        assertThat(broken.failure()).hasRootCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }

    @Test
    void should_read_a_strict_json_object_as_langchain4j_reads_it_and_anything_else_through_langchain4j() {
        String[] texts = {
            "{}", " {\"a\":1} ", "{\"a\":1}", "{\"i\":2147483647,\"l\":2147483648,\"b\":92233720368547758070}",
            "{\"d\":1.0,\"e\":1e0,\"f\":-0.0,\"g\":1e400,\"h\":0.1,\"k\":123456789012345678901234567890.5}",
            "{\"s\":\"x\\u0000y\\\"z\\n\u00e9\ud83d\ude00\",\"t\":true,\"n\":null}",
            "{\"o\":{\"p\":[1,\"2\",[3.5],{}]},\"a\":[]}",
            "{\"dup\":1,\"x\":2,\"dup\":3}",
            "{\"a\":1} trailing", "{\"a\":1,}", "{\"a\":[1,2,],}",
            "\"{\\\"a\\\":1}\"", "\"{\\\"a\\\":1,}\"",
            "{\"a\":1 /*c*/}", "{\"a\":\"x\ny\"}", "{\"a\":1}{\"b\":2}", "\t{\"a\":1}", "\n {\"a\":1}",
            "\ufeff{\"a\":1}",
            "[1,2]", "1", "\"text\"", "null", "", " ", "{", "{\"a\":}", "{'a':1}", "{a:1}", "{\"a\":NaN}",
        };
        assertThat(LangChain4jArguments.readsStrictObjectsDirectly()).as("LangChain4j's own codec is in use").isTrue();
        for (String text : texts) {
            ParsedArguments read = reader.parse(text);
            ParsedArguments byLangChain4j = reader.asLangChain4jReadsThem(text);

            assertThat(read.ok()).as(text).isEqualTo(byLangChain4j.ok());
            assertThat(read.value()).as(text).isEqualTo(byLangChain4j.value());
            if (read.value() != null) {
                assertThat(read.value().toString()).as(text).isEqualTo(byLangChain4j.value().toString());
            }
            if (!read.ok()) {
                assertThat(read.failure().getClass()).as(text).isEqualTo(byLangChain4j.failure().getClass());
            }
        }
    }
}
