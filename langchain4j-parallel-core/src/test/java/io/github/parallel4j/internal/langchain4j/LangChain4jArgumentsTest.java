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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import io.github.parallel4j.internal.policy.CanonicalJson;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Class<?>[] TYPES = {long.class, Long.class, int.class, Integer.class, short.class, byte.class,
        double.class, float.class, BigDecimal.class, BigInteger.class, boolean.class, Boolean.class, String.class,
        Status.class, Object.class, char.class};

    @Provide
    Arbitrary<JsonNode> scalars() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return Arbitraries.oneOf(
                Arbitraries.integers().map(nodes::numberNode),
                Arbitraries.longs().map(nodes::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.valueOf(-1000), BigInteger.TEN.pow(30)).map(nodes::numberNode),
                Arbitraries.doubles().map(nodes::numberNode),
                Arbitraries.of(0.0, 1.0, -2.5, 1e0, 1e20, Double.NaN).map(nodes::numberNode),
                Arbitraries.bigDecimals().ofScale(3).map(nodes::numberNode),
                Arbitraries.of(true, false).map(nodes::booleanNode),
                Arbitraries.of("1", " 1", "01", "1.0", "-7", "abc", "", "open", "OPEN", "true", "x", "9999999999999")
                        .map(nodes::textNode),
                Arbitraries.strings().ofMaxLength(6).map(nodes::textNode));
    }

    /**
     * The value read straight off a node (a string, a boolean, an int, a long) and coerced is keyed exactly as the
     * same value read through Jackson's untyped reading and written back through {@code valueToTree}, the way every
     * value was read before: for every parameter type, the same canonical value, or the same refusal.
     */
    @Property(tries = 2000)
    void should_key_a_value_read_off_its_node_as_one_read_through_jackson(@ForAll("scalars") JsonNode given,
            @ForAll("types") Class<?> type) throws Exception {
        assertThat(String.valueOf(receive(LangChain4jArguments.plainValue(given), type, given, false)))
                .isEqualTo(String.valueOf(receive(JSON.treeToValue(given, Object.class), type, given, true)));
    }

    @Provide
    Arbitrary<Class<?>> types() {
        return Arbitraries.of(TYPES);
    }

    /** The canonical value a parameter of this type receives, or the node itself when coercion refuses it. */
    private static JsonNode receive(Object plain, Class<?> type, JsonNode given, boolean throughJackson)
            throws Exception {
        Method coerce = DefaultToolExecutor.class.getDeclaredMethod("coerceArgument", Object.class, String.class,
                Class.class, Type.class);
        coerce.setAccessible(true);
        Object value;
        try {
            value = coerce.invoke(null, plain, "p", type, type);
        } catch (InvocationTargetException e) {
            return CanonicalJson.of(given);
        }
        if (!throughJackson) {
            return LangChain4jArguments.toJson(value);
        }
        if (value instanceof Number) {
            return CanonicalJson.of(JSON.valueToTree(value));
        }
        return LangChain4jArguments.toJson(value);
    }
}
