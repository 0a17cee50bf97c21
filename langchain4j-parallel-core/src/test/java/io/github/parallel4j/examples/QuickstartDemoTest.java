package io.github.parallel4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QuickstartDemoTest {

    @Test
    void should_run_the_demo_end_to_end_and_show_a_speed_up() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String previousScale = System.getProperty("demo.scale");
        System.setProperty("demo.scale", "0.25");
        System.setProperty("demo.html", "target/demo-test-timeline.html");
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            QuickstartDemo.main(new String[0]);
        } finally {
            System.setOut(original);
            System.clearProperty("demo.html");
            if (previousScale == null) {
                System.clearProperty("demo.scale");
            } else {
                System.setProperty("demo.scale", previousScale);
            }
        }
        String output = captured.toString(StandardCharsets.UTF_8);

        assertThat(output).contains("call_6 owner").contains("\"wave\":3").contains("Answer:")
                .contains("Timeline written to");
        Matcher speedUp = Pattern.compile("Speed-up: ([0-9.]+)x").matcher(output);
        assertThat(speedUp.find()).isTrue();
        assertThat(Double.parseDouble(speedUp.group(1))).isGreaterThan(1.5);
        assertThat(output.lines().filter(l -> l.contains("\"ok\":true")).count()).isEqualTo(7);
    }
}
