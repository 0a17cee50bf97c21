package io.github.parallel4j.samples.harbor;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * harbor-triage as several JVMs against one Redis: {@code mvn -q -pl samples/harbor-triage -am compile exec:java
 * -Pshared-redis -Dharbor.redis=127.0.0.1:6379}. It starts {@code replicas} JVMs ({@link SharedLimitsReplica}, two
 * by default), lets them triage at the same moment with their limits shared through Redis, and prints, from the
 * tools' recorded start and end times, how many calls of each capped integration ran at once across all of them:
 * Datadog's cap of 2 holds for the fleet, where each JVM alone would allow 2 of its own. Exits with 1 when a cap
 * did not hold or a replica failed.
 */
public final class SharedLimitsReplicas {

    /** The integrations with a cap, and the cap (as {@link TriageDemo#LIMITS} sets them). */
    static final Map<String, Integer> CAPS = Map.of("datadog", 2, "jira", 2);

    private SharedLimitsReplicas() {}

    /**
     * What a run found.
     *
     * @param replicas how many JVMs ran
     * @param calls every replica's recorded calls
     * @param peaks for each capped integration, the most of its calls that ran at once across every JVM
     * @param overlapped whether every replica's run overlapped every other's in time
     */
    record Result(int replicas, List<Span> calls, Map<String, Integer> peaks, boolean overlapped) {
        boolean capsHeld() {
            return peaks.entrySet().stream().allMatch(e -> e.getValue() <= CAPS.get(e.getKey()));
        }
    }

    /** One tool call of one replica, in epoch nanoseconds. */
    record Span(int replica, String integration, String label, long start, long end) {}

    /**
     * Runs the replicas from the command line: {@code --redis host:port} (or {@code -Dharbor.redis},
     * {@code HARBOR_REDIS}; default {@code 127.0.0.1:6379}), {@code --replicas n} (default 2), {@code --scale x}.
     *
     * @param args the options
     * @throws Exception when a replica cannot be started
     */
    public static void main(String[] args) throws Exception {
        String redis = firstSet(System.getProperty("harbor.redis"), System.getenv("HARBOR_REDIS"), "127.0.0.1:6379");
        int replicas = 2;
        double scale = 1.0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--redis" -> redis = args[i + 1];
                case "--replicas" -> replicas = Integer.parseInt(args[i + 1]);
                case "--scale" -> scale = Double.parseDouble(args[i + 1]);
                default -> {
                    System.err.println("unknown option '" + args[i] + "'; use --redis host:port, --replicas n,"
                            + " --scale x");
                    System.exit(2);
                }
            }
        }
        Result result = run(redis, "harbor-triage-" + UUID.randomUUID(), replicas, scale, System.out);
        if (!result.capsHeld()) {
            System.exit(1);
        }
    }

    /**
     * Starts the replicas, lets them go at once, waits for them and reports what ran at once.
     *
     * @param redis the Redis every replica uses
     * @param namespace the namespace they share
     * @param replicas how many JVMs
     * @param scale the latency scale
     * @param out where the report goes
     * @return what ran at once
     * @throws IOException when a replica cannot be started or failed
     * @throws InterruptedException when interrupted
     */
    static Result run(String redis, String namespace, int replicas, double scale, PrintStream out)
            throws IOException, InterruptedException {
        if (replicas < 1 || replicas > 8) {
            throw new IllegalArgumentException("replicas must be 1 to 8, was " + replicas);
        }
        out.printf(Locale.ROOT, "%nharbor-triage: %d JVMs against Redis %s (namespace %s), latencies x%s%n",
                replicas, redis, namespace, scale);
        Path dir = Files.createTempDirectory("harbor-replicas");
        List<Process> processes = new ArrayList<>();
        List<Path> spanFiles = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(replicas);
        try {
            for (int r = 0; r < replicas; r++) {
                Path spans = dir.resolve("replica-" + r + ".spans");
                spanFiles.add(spans);
                Process process = new ProcessBuilder(javaCommand(redis, namespace, scale, spans))
                        .redirectErrorStream(true).start();
                processes.add(process);
                echo(process, "replica " + (r + 1), out, ready);
            }
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the replicas did not connect to Redis " + redis + " within 60 s");
            }
            for (Process process : processes) { // go, every one at once
                OutputStream in = process.getOutputStream();
                in.write('\n');
                in.flush();
            }
            for (int r = 0; r < replicas; r++) {
                Process process = processes.get(r);
                if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("replica " + (r + 1) + " failed (see its lines above)");
                }
            }
            Result result = result(replicas, spanFiles);
            print(result, out);
            return result;
        } finally {
            processes.forEach(Process::destroyForcibly);
            for (Path spans : spanFiles) {
                Files.deleteIfExists(spans);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static List<String> javaCommand(String redis, String namespace, double scale, Path spans) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(classPath());
        command.add(SharedLimitsReplica.class.getName());
        command.addAll(List.of(redis, namespace, String.valueOf(scale), spans.toString()));
        return command;
    }

    /** This JVM's class path: under {@code exec:java}, the project's, held by its class loader. */
    private static String classPath() {
        if (SharedLimitsReplicas.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            try {
                for (URL url : loader.getURLs()) {
                    entries.add(Paths.get(url.toURI()).toString());
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static void echo(Process process, String name, PrintStream out, CountDownLatch ready) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else {
                        out.println("  [" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "harbor-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private static Result result(int replicas, List<Path> spanFiles) throws IOException {
        List<Span> calls = new ArrayList<>();
        long[][] windows = new long[replicas][];
        for (int r = 0; r < replicas; r++) {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (String line : Files.readAllLines(spanFiles.get(r), StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ");
                Span span = new Span(r, parts[0], parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]));
                calls.add(span);
                first = Math.min(first, span.start());
                last = Math.max(last, span.end());
            }
            windows[r] = new long[] {first, last};
        }
        boolean overlapped = true;
        for (int a = 0; a < replicas; a++) {
            for (int b = a + 1; b < replicas; b++) {
                overlapped &= windows[a][0] < windows[b][1] && windows[b][0] < windows[a][1];
            }
        }
        Map<String, Integer> peaks = new TreeMap<>();
        for (String integration : CAPS.keySet()) {
            peaks.put(integration, peak(calls.stream().filter(c -> c.integration().equals(integration)).toList()));
        }
        return new Result(replicas, calls, peaks, overlapped);
    }

    /** The most spans that ran at once: a sweep over their starts and ends (an end before a start at one time). */
    static int peak(List<Span> spans) {
        List<long[]> events = new ArrayList<>();
        for (Span span : spans) {
            events.add(new long[] {span.start(), 1});
            events.add(new long[] {span.end(), -1});
        }
        events.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int now = 0;
        int peak = 0;
        for (long[] event : events) {
            now += (int) event[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private static void print(Result result, PrintStream out) {
        out.printf(Locale.ROOT, "%nAcross the %d JVMs (%d tool calls, runs %s):%n", result.replicas(),
                result.calls().size(), result.overlapped() ? "at the same time" : "NOT at the same time");
        result.peaks().forEach((integration, peak) -> {
            long calls = result.calls().stream().filter(c -> c.integration().equals(integration)).count();
            out.printf(Locale.ROOT, "  %-8s %d calls, at most %d at once (its cap, shared: %d; the JVMs with limits of"
                    + " their own would allow %d)%s%n", integration, calls, peak, CAPS.get(integration),
                    CAPS.get(integration) * result.replicas(), peak <= CAPS.get(integration) ? "" : "  CAP EXCEEDED");
        });
    }

    private static String firstSet(String first, String second, String fallback) {
        return first != null ? first : second != null ? second : fallback;
    }
}
