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

/**
 * The HTML timeline, rendered by headless Chromium (installed by .ci/run): the bars, the legend and the time axis are
 * really drawn, as an engineer would see them in a screenshot.
 */
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
    void should_draw_one_bar_per_call_with_the_reads_overlapping_a_legend_and_a_time_axis() throws Exception {
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
                "--user-data-dir=" + dir.resolve("profile").toAbsolutePath(), "--window-size=1400,420",
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

        // the legend, above the first bar: a swatch of each colour (the turn itself has no wait and no failure)
        int top = bars.get(0).y();
        assertThat(find(image, 0, top, TimelineSvg.WAITED)).as("the 'waited' swatch").isTrue();
        assertThat(find(image, 0, top, TimelineSvg.FAILED)).as("the 'failed' swatch").isTrue();
        assertThat(find(image, 0, top, TimelineSvg.NOT_RUN)).as("the 'not run' mark").isTrue();
        assertThat(find(image, 0, top, TimelineSvg.RAN)).as("the 'ran' swatch").isTrue();
        // the time axis, below the last bar: one long line of the axis colour, as wide as the chart
        int longest = 0;
        for (int y = bars.get(2).y(); y < image.getHeight(); y++) {
            longest = Math.max(longest, longestRun(image, y, TimelineSvg.AXIS));
        }
        assertThat(longest).as("the axis line, in pixels").isGreaterThan(600);
    }

    private static boolean matches(int rgb, String colour) {
        int want = Integer.parseInt(colour.substring(1), 16);
        return Math.abs(((rgb >> 16) & 0xff) - ((want >> 16) & 0xff)) < 12
                && Math.abs(((rgb >> 8) & 0xff) - ((want >> 8) & 0xff)) < 12
                && Math.abs((rgb & 0xff) - (want & 0xff)) < 12;
    }

    private static boolean find(BufferedImage image, int fromY, int toY, String colour) {
        for (int y = fromY; y < toY; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (matches(image.getRGB(x, y), colour)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int longestRun(BufferedImage image, int y, String colour) {
        int longest = 0;
        int run = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            run = matches(image.getRGB(x, y), colour) ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /**
     * The widest run of the "ran" green in each band of rows that contains it, top to bottom; bands shorter than a bar
     * (the legend's swatch) are left out.
     */
    private static List<Bar> greenBars(BufferedImage image) {
        List<Bar> bars = new ArrayList<>();
        int bandStart = -1;
        int from = Integer.MAX_VALUE;
        int to = -1;
        for (int y = 0; y <= image.getHeight(); y++) {
            int rowFrom = -1;
            int rowTo = -1;
            for (int x = 0; y < image.getHeight() && x < image.getWidth(); x++) {
                if (matches(image.getRGB(x, y), TimelineSvg.RAN)) {
                    rowFrom = rowFrom < 0 ? x : rowFrom;
                    rowTo = x;
                }
            }
            if (rowFrom >= 0) {
                bandStart = bandStart < 0 ? y : bandStart;
                from = Math.min(from, rowFrom);
                to = Math.max(to, rowTo);
            } else if (bandStart >= 0) {
                if (y - bandStart >= 14) {
                    bars.add(new Bar(bandStart, from, to));
                }
                bandStart = -1;
                from = Integer.MAX_VALUE;
                to = -1;
            }
        }
        return bars;
    }
}
