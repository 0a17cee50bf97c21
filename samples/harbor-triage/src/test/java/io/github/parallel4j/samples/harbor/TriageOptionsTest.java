package io.github.parallel4j.samples.harbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TriageOptionsTest {

    private static final Function<String, String> NONE = name -> null;

    private static TriageOptions parse(String... args) {
        return TriageOptions.parse(List.of(args), NONE, NONE);
    }

    @Test
    void should_use_the_defaults_when_nothing_is_given() {
        assertThat(parse()).isEqualTo(TriageOptions.defaults());
        assertThat(parse().scale()).isEqualTo(1.0);
        assertThat(parse().html()).isEqualTo(Path.of("target", "harbor-triage-timeline.html"));
    }

    @Test
    void should_read_options_from_arguments_then_system_properties_then_environment() {
        Function<String, String> props = Map.of("harbor.scale", "0.5", "harbor.html", "/tmp/p.html")::get;
        Function<String, String> env = Map.of("HARBOR_SCALE", "3", "HARBOR_HTML", "/tmp/e.html",
                "HARBOR_SCRIPTED", "true")::get;

        assertThat(TriageOptions.parse(List.of(), NONE, env))
                .isEqualTo(new TriageOptions(3, Path.of("/tmp/e.html"), true, false));
        assertThat(TriageOptions.parse(List.of(), props, env))
                .isEqualTo(new TriageOptions(0.5, Path.of("/tmp/p.html"), true, false));
        assertThat(TriageOptions.parse(List.of("--scale", "0.25", "--html=/tmp/a.html"), props, env))
                .isEqualTo(new TriageOptions(0.25, Path.of("/tmp/a.html"), true, false));
        assertThat(parse("--scale=2", "--scripted", "--help"))
                .isEqualTo(new TriageOptions(2, TriageOptions.defaults().html(), true, true));
    }

    @Test
    void should_reject_a_scale_that_is_not_positive_with_a_clear_message() {
        assertThatThrownBy(() -> parse("--scale", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--scale must be greater than 0 and at most 100 (it multiplies every simulated latency), "
                        + "got '-1'");
        assertThatThrownBy(() -> parse("--scale=0")).hasMessageContaining("greater than 0").hasMessageContaining("'0'");
        assertThatThrownBy(() -> parse("--scale", "NaN")).hasMessageContaining("greater than 0");
        assertThatThrownBy(() -> parse("--scale", "1e9")).hasMessageContaining("at most 100");
        assertThatThrownBy(() -> parse("--scale", "fast")).hasMessage("--scale must be a number, got 'fast'");
    }

    @Test
    void should_name_the_system_property_or_variable_a_bad_scale_came_from() {
        assertThatThrownBy(() -> TriageOptions.parse(List.of(), Map.of("harbor.scale", "-2")::get, NONE))
                .hasMessageStartingWith("harbor.scale must be greater than 0");
        assertThatThrownBy(() -> TriageOptions.parse(List.of(), NONE, Map.of("HARBOR_SCALE", "slow")::get))
                .hasMessage("HARBOR_SCALE must be a number, got 'slow'");
    }

    @Test
    void should_reject_unknown_options_missing_values_and_bad_flags() {
        assertThatThrownBy(() -> parse("--scael", "2")).hasMessage("unknown option '--scael'; try --help");
        assertThatThrownBy(() -> parse("--scale")).hasMessage("--scale needs a value, e.g. --scale 0.5");
        assertThatThrownBy(() -> parse("--html", " ")).hasMessage("--html must name a file, got an empty value");
        assertThatThrownBy(() -> parse("--scripted=maybe")).hasMessage("--scripted must be true or false, got 'maybe'");
    }

    @Test
    void should_exit_with_2_and_say_why_on_a_negative_scale_without_running_anything() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = HarborTriage.run(List.of("--scale", "-0.5"), NONE, NONE,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("harbor-triage: --scale must be greater than 0")
                .contains("got '-0.5'")
                .contains("--scale <x>");
    }

    @Test
    void should_print_the_usage_on_help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = HarborTriage.run(List.of("--help"), NONE, NONE,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(TriageOptions.USAGE);
    }

    @Test
    void should_reject_a_latency_scale_that_is_not_positive() {
        assertThatThrownBy(() -> new SimulatedLatencies(-1)).hasMessage("scale must be a positive number, got -1.0");
        assertThat(new SimulatedLatencies(0.5).of("metrics").toMillis()).isEqualTo(300);
        assertThatThrownBy(() -> new SimulatedLatencies(1).of("deleteEverything"))
                .hasMessage("no simulated latency for tool deleteEverything");
    }
}
