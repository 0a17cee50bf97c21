package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;

/**
 * Replicas as real JVMs ({@link Replica}, child processes on the test class path) sharing one Redis, against a
 * {@link StubVendor} on 127.0.0.1. The storm is scaled to run in seconds (the vendor's rate is 100 a second instead
 * of 5); {@code -Dparallel4j.storm.rate=5} runs it at 5 a second (about three minutes).
 */
class AcrossJvmsTest {

    private static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        redisson = RedisServer.client();
    }

    @AfterAll
    static void disconnect() {
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    /** A child JVM and the lines it printed. */
    record Child(Process process, List<String> lines) {
        Optional<String> done() {
            return lines.stream().filter(l -> l.startsWith("DONE ")).findFirst();
        }

        void awaitExit() throws InterruptedException {
            awaitExit(120);
        }

        void awaitExit(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("a replica did not end: " + lines);
            }
        }
    }

    private static Child start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Replica.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        Child child = new Child(process, lines);
        started.add(child);
        return child;
    }

    /** Every child this test started: destroyed after it, whether it passed or not, so none outlives the build. */
    private static final List<Child> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void destroyChildren() throws InterruptedException {
        for (Child child : started) {
            child.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        started.clear();
    }

    @Test
    void should_hold_the_vendors_rate_and_cap_across_three_jvms() throws Exception {
        int rate = Integer.getInteger("parallel4j.storm.rate", 100);
        int jvms = 3;
        int conversations = 20;
        int calls = 12;
        int cap = 6;
        // our rate a little under the vendor's nominal one: requests reach it a moment after their tokens are taken
        int ours = rate * 95 / 100;
        // The vendor refuses anything above OUR rate, with a few requests of slack for the jitter between taking a
        // token in Redis and the request reaching it (about 50 ms at 95 a second): a limiter that let even 1% more
        // through would meet 429s within seconds. (At the vendor's nominal rate, 5% too many would pass unseen.)
        int slack = Math.max(2, ours / 20);
        try (StubVendor vendor = new StubVendor(ours + slack, ours, 10, jvms)) {
            String namespace = "storm-" + UUID.randomUUID();
            List<Child> children = new ArrayList<>();
            for (int k = 0; k < jvms; k++) {
                children.add(start("storm", RedisServer.address(), String.valueOf(vendor.port()), namespace,
                        String.valueOf(conversations), String.valueOf(calls), String.valueOf(cap),
                        String.valueOf(ours),
                        String.valueOf(Math.max(60, 3 * jvms * conversations * calls / rate))));
            }
            for (Child child : children) {
                // the storm's own time at the rate (about 3 minutes at 5 a second), and a minute for the rest
                child.awaitExit(60 + 2L * jvms * conversations * calls / rate);
                assertThat(child.done()).as(String.join("\n", child.lines()))
                        .contains("DONE ok=" + conversations * calls + " failed=0");
            }
            int total = jvms * conversations * calls;
            assertThat(vendor.tooMany.get()).as("429s").isZero();
            assertThat(vendor.answered.get()).isEqualTo(total);
            assertThat(vendor.mostRunning.get()).as("calls at once, across JVMs").isLessThanOrEqualTo(cap);
            // the best the configured rate allows: a burst of it, then that many a second
            double boundSeconds = (double) (total - ours) / ours;
            double tookSeconds = (vendor.lastNanos.get() - vendor.firstNanos.get()) / 1e9;
            System.out.printf("storm: %d calls from %d JVMs in %.2f s, rate bound %.2f s (%.2fx)%n", total, jvms,
                    tookSeconds, boundSeconds, tookSeconds / boundSeconds);
            // The target, 1.1x. It holds because each replica is warm before the storm and they start together
            // (Replica warms up, then waits at the vendor's /ready): a cold JVM sends fewer than the rate at first
            // while the shared bucket is full, and the refill it leaves unused is time lost for good (1.3x was seen
            // that way on a loaded machine). Measured 1.00x with warm replicas (docs/benchmarks.md). A limiter that
            // serialised the JVMs would take about 3x; one that let each JVM take the rate, 429s.
            double allowed = Double.parseDouble(System.getProperty("parallel4j.storm.bound", "1.1"));
            assertThat(tookSeconds / boundSeconds).as("time against the rate bound").isLessThanOrEqualTo(allowed);
        }
    }

    @Test
    void should_give_a_killed_jvms_permits_back_within_their_lease() throws Exception {
        int cap = 2;
        try (StubVendor vendor = new StubVendor(1000, 1, 1)) {
            String namespace = "kill-" + UUID.randomUUID();
            // turn budget 1 s, lease margin 1 s: a lease of about 2 s, renewed while the stuck calls run
            Child child = start("hold", RedisServer.address(), String.valueOf(vendor.port()), namespace, "1",
                    String.valueOf(cap), String.valueOf(cap), "0", "1");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> vendor.holding.get() == cap);
            RPermitExpirableSemaphore permits = redisson.getPermitExpirableSemaphore(namespace + ":permits:vendor");
            // Checked throughout, past the turn's budget and past one lease (about 2 s): the abandoned calls still
            // hold their permits (renewed).
            Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100)).until(() -> permits.acquiredPermits() == cap);
            assertThat(permits.tryAcquire(0, 5_000, TimeUnit.MILLISECONDS)).isNull();

            long killed = System.nanoTime();
            child.process().destroyForcibly().waitFor(); // SIGKILL: no finally runs
            List<String> ours = new ArrayList<>();
            // Back once their lease (about 2 s) runs out: within three leases, where a permit of the library's
            // unbounded lease (60 s) or one renewed by a dead JVM would not come back at all.
            Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(20)).until(() -> {
                String id = permits.tryAcquire(0, 5_000, TimeUnit.MILLISECONDS);
                if (id != null) {
                    ours.add(id);
                }
                return ours.size() == cap;
            });
            double backAfter = (System.nanoTime() - killed) / 1e9;
            System.out.printf("permits of a killed JVM back after %.2f s (lease about 2 s)%n", backAfter);
        }
    }

    @Test
    void should_never_overlap_keyed_writes_across_two_jvms() throws Exception {
        try (StubVendor vendor = new StubVendor(1000, 15, 2)) {
            String namespace = "writes-" + UUID.randomUUID();
            List<Child> children = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                children.add(start("write", RedisServer.address(), String.valueOf(vendor.port()), namespace, "4",
                        "6", "100", "0", "60"));
            }
            for (Child child : children) {
                child.awaitExit();
                assertThat(child.done()).as(String.join("\n", child.lines())).contains("DONE ok=24 failed=0");
            }
            assertThat(vendor.writes.get()).isEqualTo(48);
            assertThat(vendor.overlaps.get()).as("writes to one key at once").isZero();
        }
    }
}
