package io.github.parallel4j.samples.harbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The shared-redis profile end to end: two replica JVMs against the Redis of {@code PARALLEL4J_REDIS} (or
 * {@code -Dparallel4j.redis}), as {@code .ci/run} provides it; skipped, saying so, when there is none.
 */
class SharedLimitsReplicasTest {

    @Test
    void should_hold_datadog_cap_across_both_jvms_when_two_replicas_triage_at_once() throws Exception {
        String redis = System.getProperty("parallel4j.redis", System.getenv("PARALLEL4J_REDIS"));
        assumeTrue(redis != null && !redis.isBlank(), "no Redis given: set PARALLEL4J_REDIS=host:port (or"
                + " -Dparallel4j.redis) to run harbor-triage as two JVMs against it");
        assumeTrue(reachable(redis), "Redis at " + redis + " does not answer: start redis-server there to run"
                + " harbor-triage as two JVMs against it");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();

        SharedLimitsReplicas.Result result = SharedLimitsReplicas.run(redis, "harbor-test-" + UUID.randomUUID(), 2,
                0.5, new PrintStream(captured, true, StandardCharsets.UTF_8));

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(result.overlapped()).as("both replicas ran at the same time: %s", output).isTrue();
        // three Datadog queries per replica: six in all, which two JVMs of cap 2 each could run four at once
        assertThat(result.calls().stream().filter(c -> c.integration().equals("datadog"))).hasSize(6);
        assertThat(result.peaks().get("datadog")).as(output).isEqualTo(2);
        assertThat(result.peaks().get("jira")).as(output).isLessThanOrEqualTo(2);
        assertThat(result.capsHeld()).isTrue();
        assertThat(output).contains("[replica 1] Answer: Posted the triage", "[replica 2] Answer: Posted the triage",
                "datadog  6 calls, at most 2 at once");
    }

    @Test
    void should_count_the_most_calls_at_once_when_one_ends_as_another_starts() {
        List<SharedLimitsReplicas.Span> spans = List.of(span(0, 10), span(5, 15), span(10, 20), span(12, 13));

        assertThat(SharedLimitsReplicas.peak(spans)).isEqualTo(3);
        assertThat(SharedLimitsReplicas.peak(List.of(span(0, 10), span(10, 20)))).isEqualTo(1);
    }

    private static SharedLimitsReplicas.Span span(long start, long end) {
        return new SharedLimitsReplicas.Span(0, "datadog", "metrics", start, end);
    }

    private static boolean reachable(String address) {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))), 1_000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
