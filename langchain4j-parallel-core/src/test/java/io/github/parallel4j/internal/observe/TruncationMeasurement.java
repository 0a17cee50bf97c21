package io.github.parallel4j.internal.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;

/**
 * The README's truncation figure, measured beside {@link JsonTruncator} (package-private) for
 * {@code examples.OverheadMeasurement}: cutting a large JSON array to 16 000 characters. Not a test.
 */
public final class TruncationMeasurement {

    private TruncationMeasurement() {}

    /** Prints the p50 and p95 of cutting arrays of 12 500 and 20 000 items. */
    public static void print() {
        print(12_500);
        print(20_000);
    }

    private static void print(int items) {
        ArrayNode big = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < items; i++) {
            big.addObject().put("id", i).put("text", "y".repeat(40)).putArray("tags").add("a").add("b");
        }
        int size = big.toString().length();
        JsonTruncator truncator = new JsonTruncator();
        for (int i = 0; i < 50; i++) {
            truncator.truncate(big, 16_000);
        }
        long[] samples = new long[100];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            truncator.truncate(big, 16_000);
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        System.out.printf("truncating a %.1f MB JSON array to 16 000 chars: p50 %.2f ms, p95 %.2f ms%n",
                size / 1e6, samples[50] / 1e6, samples[95] / 1e6);
    }
}
