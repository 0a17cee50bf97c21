package io.github.parallel4j.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.parallel4j.TurnReport;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The HTML timeline, rendered by headless Chromium (installed by .ci/run): the bars are really drawn. */
class TimelineScreenshotTest {

    private static String chromium() {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    /** A horizontal run of bar-coloured pixels in one row of the picture. */
    record Bar(int y, int from, int to) {}

    @Test
    void should_draw_one_bar_per_call_with_the_reads_overlapping() throws Exception {
        String browser = chromium();
        assumeTrue(browser != null, "Chromium is not installed (.ci/run installs it)");
        TurnReport report = ThreeCallTurn.run(r -> {});
        Path dir = Files.createDirectories(Path.of("target", "timeline-screenshot"));
        Path html = dir.resolve("turn.html");
        Path png = dir.resolve("turn.png");
        Files.deleteIfExists(png);
        Files.writeString(html, TurnTimeline.html(report, "Three calls"));

        Process process = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile").toAbsolutePath(), "--window-size=1200,300",
                "--screenshot=" + png.toAbsolutePath(), html.toAbsolutePath().toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("Chromium finished").isTrue();
        BufferedImage image = ImageIO.read(png.toFile());

        List<Bar> bars = greenBars(image);
        assertThat(bars).as("one bar per call").hasSize(3);
        assertThat(bars.get(0).from()).as("the two reads overlap").isLessThan(bars.get(1).to());
        assertThat(bars.get(1).from()).isLessThan(bars.get(0).to());
        assertThat(bars.get(2).from()).as("the write comes after both").isGreaterThanOrEqualTo(
                Math.max(bars.get(0).to(), bars.get(1).to()) - 3);
    }

    /** The widest run of the "ran ok" green in each band of rows that contains it, top to bottom. */
    private static List<Bar> greenBars(BufferedImage image) {
        List<Bar> bars = new ArrayList<>();
        int lastRow = -10;
        for (int y = 0; y < image.getHeight(); y++) {
            int from = -1;
            int to = -1;
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.abs(r - 0x2e) < 12 && Math.abs(g - 0x7d) < 12 && Math.abs(b - 0x32) < 12) {
                    from = from < 0 ? x : from;
                    to = x;
                }
            }
            if (from >= 0) {
                if (y - lastRow > 2) {
                    bars.add(new Bar(y, from, to));
                }
                lastRow = y;
            }
        }
        return bars;
    }
}
