package io.github.parallel4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The machine and JDK a run happened on, and how busy the machine was (the load average counts other processes'
 * runnable threads too, so a high one says the measurements shared the CPUs).
 *
 * @param at when
 * @param java the JDK's version and VM
 * @param os the operating system
 * @param cpu the processor model, when known
 * @param cores available processors
 * @param loadAverage the 1-minute load average, or a negative value when unknown
 */
record Machine(Instant at, String java, String os, String cpu, int cores, double loadAverage) {

    /** @return the machine now */
    static Machine now() {
        return new Machine(Instant.now().truncatedTo(ChronoUnit.SECONDS),
                System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor")
                        + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty(
                        "os.arch"),
                cpuModel(), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** @return one line for the console */
    String describe() {
        return String.format("%s, %d cores (%s), %s, load average %.2f", java, cores, cpu, os, loadAverage);
    }
}
