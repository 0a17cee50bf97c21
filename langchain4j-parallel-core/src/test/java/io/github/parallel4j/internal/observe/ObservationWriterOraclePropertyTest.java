package io.github.parallel4j.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link ObservationWriter} writes its envelopes as text; the writer it replaced built each as a Jackson tree
 * ({@link JacksonObservationWriter}). Every observation, cut or not, its full size and every refusal must be the same
 * characters as that one's.
 */
class ObservationWriterOraclePropertyTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObservationWriter writer = new ObservationWriter();
    private final JacksonObservationWriter oracle = new JacksonObservationWriter();

    /** Every character below U+0080, the escapes, and some beyond (a lone surrogate too). */
    private static Arbitrary<String> texts(int max) {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(max),
                Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(max),
                Arbitraries.strings().withChars("\"\\\n\t\r\b\f\u0000\u001f\u007fé€\u2028\ud83d😀ab/").ofMaxLength(max));
    }

    private static Arbitrary<JsonNode> results() {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                texts(600).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.just(NODES.numberNode(Double.NaN)),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        Arbitrary<JsonNode> object = Combinators.combine(texts(20).list().ofMaxSize(12), scalar.list().ofMaxSize(12))
                .as((names, values) -> {
                    ObjectNode node = NODES.objectNode();
                    for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
                        node.set(names.get(i), values.get(i));
                    }
                    return (JsonNode) node;
                });
        Arbitrary<JsonNode> array = scalar.list().ofMaxSize(40).map(items -> {
            var node = NODES.arrayNode();
            items.forEach(node::add);
            return (JsonNode) node;
        });
        return Arbitraries.oneOf(scalar, object, array);
    }

    @Provide
    Arbitrary<CallOutcome> outcomes() {
        Arbitrary<PlannedCall> calls = Combinators.combine(texts(40).injectNull(0.1), texts(30), Arbitraries.of(true, false))
                .as(ObservationWriterOraclePropertyTest::call);
        Arbitrary<CallOutcome> ok = Combinators.combine(calls, results(), Arbitraries.longs().between(0, 10_000_000_000L),
                        Arbitraries.integers().between(0, 4), Arbitraries.of(true, false))
                .as((call, result, nanos, attempts, cached) -> new CallOutcome(call, true, null, null,
                        new ToolOutput(result, null), null, 0, cached ? -1 : 0, nanos, attempts, cached));
        Arbitrary<CallOutcome> failed = Combinators.combine(calls, Arbitraries.of(ErrorCode.class),
                        texts(3_000).injectNull(0.05), Arbitraries.integers().between(0, 4))
                .as((call, code, error, attempts) -> new CallOutcome(call, false, code, error, null, null, 0, 0,
                        1_234_567, attempts, false));
        return Arbitraries.oneOf(ok, failed);
    }

    /** A planned call with that id and tool; {@code repeated} gives it the note of a repeated provider id. */
    private static PlannedCall call(String id, String tool, boolean repeated) {
        Map<String, ToolPolicy> policies = Map.of(tool, ToolPolicy.read());
        List<CallRequest> requests = repeated
                ? List.of(new CallRequest(id, tool, "{}"), new CallRequest(id, tool, "{}"))
                : List.of(new CallRequest(id, tool, "{}"));
        List<PlannedCall> planned = new Planner(8, policies::get, Planner.UnknownTools.REJECT).plan(requests).calls();
        return planned.get(planned.size() - 1);
    }

    @Property(tries = 400)
    void should_write_what_the_tree_writer_wrote(@ForAll("outcomes") CallOutcome outcome,
            @ForAll("limits") int limit, @ForAll("handles") String handle) {
        JsonNode result = outcome.ok() ? outcome.output().value() : null;

        assertThat(writer.write(outcome, result, limit, handle)).isEqualTo(oracle.write(outcome, result, limit, handle));
        assertThat(writer.write(outcome, result, limit)).isEqualTo(oracle.write(outcome, result, limit));
        assertThat(writer.fullSize(outcome, result)).isEqualTo(oracle.fullSize(outcome, result));
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(-5, 3_000),
                Arbitraries.integers().between(3_000, 100_000));
    }

    @Provide
    Arbitrary<String> handles() {
        return texts(16).injectNull(0.4);
    }

    @Property(tries = 200)
    void should_refuse_as_the_tree_writer_did(@ForAll("refusalIds") String id, @ForAll("refusalIds") String tool,
            @ForAll ErrorCode code, @ForAll("refusalErrors") String error) {
        assertThat(ObservationWriter.refused(id, tool, code, error))
                .isEqualTo(JacksonObservationWriter.refused(id, tool, code, error));
    }

    @Provide
    Arbitrary<String> refusalIds() {
        return texts(40).injectNull(0.1);
    }

    @Provide
    Arbitrary<String> refusalErrors() {
        return texts(3_000).injectNull(0.1);
    }

    @Test
    void should_escape_every_character_as_jackson_does() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            all.append(c);
        }
        String text = all.append("\ud83d\ude00\ud83d\uffff").toString();

        assertThat(JsonText.quoted(new StringBuilder(), text).toString()).isEqualTo(NODES.textNode(text).toString());
        assertThat(JsonText.lengthOf(text)).isEqualTo(NODES.textNode(text).toString().length());
    }

    @Test
    void should_count_the_digits_of_every_number_as_they_are_written() {
        for (long n : new long[] {0, 9, -9, 10, -10, 99, -99, 100, -100, 999_999, 1_000_000, Integer.MAX_VALUE,
                Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1}) {
            assertThat(JsonText.lengthOf(n)).as("%d", n).isEqualTo(Long.toString(n).length());
        }
    }

    @Test
    void should_write_a_result_nested_as_deep_as_json_allows() throws Exception {
        // The tree writer failed here: inside its envelope the result was one level deeper than Jackson writes.
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(deep);
        CallOutcome ok = new CallOutcome(call("call_1", "read", false), true, null, null, new ToolOutput(result, null),
                null, 0, 0, 0, 1, false);

        String text = writer.write(ok, result, 0);

        assertThat(text).isEqualTo("{\"id\":\"call_1\",\"tool\":\"read\",\"ok\":true,\"latency_ms\":0,\"wave\":1,\"result\":"
                + deep + "}");
        assertThat(writer.fullSize(ok, result)).isEqualTo(text.length());
    }
}
