package io.github.parallel4j.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's tests of AI services with tools, unchanged, with every tool registration going through
 * {@code ParallelTools.install} ({@link RoutingAiServicesFactory}). Raw results with LangChain4j's handlers: every
 * test passes. The library's envelope: exactly the tests listed in
 * {@code docs/migrating-from-execute-tools-concurrently.md} fail, each for the reason given there.
 */
class LangChain4jToolTestsTest {

    private static final Path DIFFERENCES = Path.of("../../docs/migrating-from-execute-tools-concurrently.md");
    private static final Pattern LISTED = Pattern.compile("^\\| `([A-Za-z0-9]+#[A-Za-z0-9_]+)` \\|");
    private static final Pattern NOT_RUN = Pattern.compile("^- `([A-Za-z0-9]+#[A-Za-z0-9_]+)`$");

    @Test
    void should_pass_every_langchain4j_tool_test_when_results_are_raw_and_langchain4j_handles_errors() {
        UpstreamSuite.Outcome outcome = UpstreamSuite.run(CompatMode.RAW_WITH_LANGCHAIN4J_HANDLERS);

        assertRouted(outcome);
        assertThat(outcome.failed()).as(describe(outcome)).isEmpty();
    }

    @Test
    void should_fail_exactly_the_documented_tests_when_observations_are_envelopes() throws IOException {
        Set<String> documented = documentedDifferences();
        UpstreamSuite.Outcome outcome = UpstreamSuite.run(CompatMode.ENVELOPE);

        assertRouted(outcome);
        assertThat(documented).as("the documented differences").isNotEmpty();
        assertThat(outcome.failed()).as(describe(outcome)).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void should_list_only_tests_that_exist_as_needing_a_real_model_and_the_same_ones_as_the_docs() throws IOException {
        // A renamed upstream test would otherwise run against OpenAI with no key and fail for that reason alone.
        assertThat(UpstreamSuite.NEED_A_REAL_MODEL).allSatisfy(name -> assertThat(UpstreamSuite.exists(name))
                .as(name).isTrue());
        assertThat(listed(NOT_RUN)).containsExactlyInAnyOrderElementsOf(UpstreamSuite.NEED_A_REAL_MODEL);
    }

    /** The number of upstream tests run, as README and the migration guide say. */
    private static final int DOCUMENTED_TESTS = 245;

    /**
     * A suite that silently ran LangChain4j alone would prove nothing: every call LangChain4j reports executed in
     * an upstream test was in a turn the library ran, and the library did run tools.
     */
    private static void assertRouted(UpstreamSuite.Outcome outcome) {
        assertThat(outcome.tests()).as("upstream tests run (README and migration guide say %d)", DOCUMENTED_TESTS)
                .isEqualTo(DOCUMENTED_TESTS);
        assertThat(CompatMode.builders()).as("builders made through the routing factory").isGreaterThan(200);
        assertThat(CompatMode.routed()).as("tool registrations routed through install").isGreaterThan(100);
        assertThat(Executions.behindTheLibrary()).as("tests whose tool calls LangChain4j ran without the library")
                .isEmpty();
        assertThat(Executions.testsWithToolCalls()).as("upstream tests that called a tool").isGreaterThan(50);
        assertThat(Executions.ran()).as("calls the library ran a tool for").isGreaterThan(100);
    }

    static Set<String> documentedDifferences() throws IOException {
        return listed(LISTED);
    }

    /** The test names the migration guide lists in lines of the given shape. */
    private static Set<String> listed(Pattern shape) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(DIFFERENCES)) {
            Matcher m = shape.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static String describe(UpstreamSuite.Outcome outcome) {
        return outcome.tests() + " tests, " + outcome.failures().size() + " failed:\n"
                + outcome.failures().entrySet().stream()
                        .map(e -> e.getKey() + ": " + firstLines(e.getValue()))
                        .collect(Collectors.joining("\n"));
    }

    private static String firstLines(Throwable t) {
        if (t == null) {
            return "";
        }
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        return String.join(" | ", java.util.Arrays.copyOf(lines, Math.min(3, lines.length))).strip();
    }

}
