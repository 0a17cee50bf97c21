package io.github.parallel4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The results of a JMH run, read from its JSON result file ({@code -rf json -rff <file>}).
 *
 * @param entries one per benchmark and parameter set
 * @param jdk the JDK the benchmarks ran on, from the file
 */
record JmhResults(List<Entry> entries, String jdk) {

    /**
     * One benchmark's result.
     *
     * @param benchmark the class's simple name and method, e.g. {@code PlanningBenchmark.plan}
     * @param params its parameters
     * @param mode JMH's mode ({@code avgt}, {@code sample})
     * @param score the score
     * @param error the 99.9 % error
     * @param unit the unit, e.g. {@code us/op}
     * @param percentiles for sampled benchmarks: percentile ("50.0") to value
     * @param allocatedBytes bytes allocated per operation ({@code -prof gc}'s {@code gc.alloc.rate.norm}), NaN
     *     when the run had no such profiler
     */
    record Entry(String benchmark, Map<String, String> params, String mode, double score, double error, String unit,
            Map<String, Double> percentiles, double allocatedBytes) {}

    /** @return no results: the report says JMH was not run */
    static JmhResults none() {
        return new JmhResults(List.of(), null);
    }

    /** Reads a JMH JSON result file. */
    static JmhResults read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Entry> entries = new ArrayList<>();
        String jdk = null;
        for (JsonNode run : root) {
            String benchmark = run.path("benchmark").asText();
            String[] parts = benchmark.split("\\.");
            String name = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
            Map<String, String> params = new LinkedHashMap<>();
            run.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode metric = run.path("primaryMetric");
            Map<String, Double> percentiles = new LinkedHashMap<>();
            metric.path("scorePercentiles").properties().forEach(e -> percentiles.put(e.getKey(),
                    e.getValue().asDouble()));
            double allocated = Double.NaN;
            for (var secondary : run.path("secondaryMetrics").properties()) {
                if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                    allocated = secondary.getValue().path("score").asDouble(Double.NaN);
                }
            }
            entries.add(new Entry(name, params, run.path("mode").asText(), metric.path("score").asDouble(),
                    metric.path("scoreError").asDouble(Double.NaN), metric.path("scoreUnit").asText(), percentiles,
                    allocated));
            jdk = run.path("vmName").asText() + " " + run.path("jdkVersion").asText();
        }
        return new JmhResults(List.copyOf(entries), jdk);
    }

    /** @return the result of a benchmark with a given value of its only parameter */
    Optional<Entry> find(String benchmark, String param) {
        return entries.stream()
                .filter(e -> e.benchmark().equals(benchmark) && e.params().containsValue(param))
                .findFirst();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }
}
