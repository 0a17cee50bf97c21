package io.github.parallel4j.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LangChain4jToolTestsTest {

    @Test
    void probe() {
        String mode = System.getProperty("compat.probe", "OFF");
        UpstreamSuite.Outcome outcome = UpstreamSuite.run(CompatMode.valueOf(mode));
        System.out.println("MODE " + mode + " tests=" + outcome.tests() + " skipped=" + outcome.skipped()
                + " builders=" + CompatMode.builders() + " failed=" + outcome.failed().size());
        for (Map.Entry<String, Throwable> e : outcome.failures().entrySet()) {
            System.out.println("FAILED " + e.getKey() + " :: " + firstLines(e.getValue()));
        }
    }

    private static String firstLines(Throwable t) {
        if (t == null) {
            return "";
        }
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        return String.join(" | ", java.util.Arrays.copyOf(lines, Math.min(4, lines.length)));
    }
}
