package io.github.parallel4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The internal stages use one another in one direction only, read from the compiled classes by {@code jdeps}: a
 * stage may use the stages before it in {@link #STAGES}, never one after it, so that each can be read (and tested)
 * knowing only the ones before. docs/guide.md's "Public API" section gives the same order.
 */
class StageDependenciesTest {

    /** The stages in the order they may be used: each uses only those before it. */
    private static final List<String> STAGES = List.of("policy", "plan", "limit", "schedule", "observe", "langchain4j");

    private static final String INTERNAL = "io.github.parallel4j.internal.";

    private static final Pattern EDGE = Pattern.compile("^\\s*(io\\.github\\.parallel4j\\.internal\\.\\w+)\\s+->\\s+"
            + "(io\\.github\\.parallel4j\\.internal\\.\\w+)\\b", Pattern.MULTILINE);

    @Test
    void should_use_only_earlier_stages_when_a_stage_uses_another() throws Exception {
        Map<String, TreeSet<String>> uses = stageDependencies();
        assertThat(uses).as("jdeps found the stages' dependencies").containsKeys("plan", "schedule", "langchain4j");
        for (Map.Entry<String, TreeSet<String>> stage : uses.entrySet()) {
            int rank = STAGES.indexOf(stage.getKey());
            assertThat(rank).as("internal package %s is one of the stages", stage.getKey()).isNotNegative();
            for (String used : stage.getValue()) {
                assertThat(STAGES.indexOf(used))
                        .as("%s uses %s, which comes after it (stages in order: %s)", stage.getKey(), used, STAGES)
                        .isBetween(0, rank - 1);
            }
        }
    }

    /** Each internal stage and the other internal stages its classes refer to. */
    private static Map<String, TreeSet<String>> stageDependencies() throws Exception {
        Optional<ToolProvider> jdeps = ToolProvider.findFirst("jdeps");
        assertThat(jdeps).as("jdeps, which every JDK has").isPresent();
        Path classes = Path.of(ParallelTools.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).as("core's classes as a directory (the reactor's target/classes)").isDirectory();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = jdeps.get().run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-e",
                "io\\.github\\.parallel4j\\.internal\\..*", classes.toString());
        assertThat(exit).as("jdeps: %s", err).isZero();
        Map<String, TreeSet<String>> uses = new TreeMap<>();
        Matcher edge = EDGE.matcher(out.toString());
        while (edge.find()) {
            String from = stage(edge.group(1));
            String to = stage(edge.group(2));
            if (from != null && to != null && !from.equals(to)) {
                uses.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            }
        }
        return uses;
    }

    /** @return the stage a package is, or null for {@code internal} itself (the {@code @Internal} marker) */
    private static String stage(String packageName) {
        return packageName.startsWith(INTERNAL) ? packageName.substring(INTERNAL.length()) : null;
    }
}
