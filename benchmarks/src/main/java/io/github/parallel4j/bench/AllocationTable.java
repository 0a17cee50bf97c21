package io.github.parallel4j.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's allocation table: bytes allocated per AI-service turn ({@code DispatchBenchmark} run with JMH's
 * {@code -prof gc}) for plain LangChain4j, {@code executeToolsConcurrently()} and the library, and the library's
 * extra allocation per call, which should not grow with the batch.
 */
final class AllocationTable {

    static final List<String> SIZES = List.of("1", "8", "64", "1000");

    private AllocationTable() {}

    /** @return the table, or a line saying the JMH run had no allocation profiler */
    static String markdown(JmhResults jmh) {
        StringBuilder s = new StringBuilder("Allocation per turn (the same benchmarks, `-prof gc`'s "
                + "`gc.alloc.rate.norm`); extra per call = (library − plain) / calls:\n\n");
        boolean any = false;
        StringBuilder rows = new StringBuilder();
        for (String calls : SIZES) {
            double plain = bytes(jmh.find("DispatchBenchmark.plainLangChain4j", calls));
            double concurrent = bytes(jmh.find("DispatchBenchmark.concurrentLangChain4j", calls));
            double library = bytes(jmh.find("DispatchBenchmark.library", calls));
            if (Double.isNaN(plain) && Double.isNaN(library)) {
                continue;
            }
            any = true;
            rows.append("| ").append(calls).append(" | ").append(kib(plain)).append(" | ").append(kib(concurrent))
                    .append(" | ").append(kib(library)).append(" | ")
                    .append(kib((library - plain) / Integer.parseInt(calls))).append(" |\n");
        }
        if (!any) {
            return "Allocation per turn: not measured in this JMH run (add `-prof gc`).\n\n";
        }
        s.append("| calls | plain LangChain4j | executeToolsConcurrently() | langchain4j-parallel | extra per call |\n"
                + "| ---: | ---: | ---: | ---: | ---: |\n").append(rows).append('\n');
        return s.toString();
    }

    private static double bytes(Optional<JmhResults.Entry> entry) {
        return entry.map(JmhResults.Entry::allocatedBytes).orElse(Double.NaN);
    }

    private static String kib(double bytes) {
        if (Double.isNaN(bytes)) {
            return "–";
        }
        return bytes >= 10_240 ? String.format(Locale.ROOT, "%,.0f KiB", bytes / 1024)
                : String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024);
    }
}
