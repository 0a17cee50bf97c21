package io.github.parallel4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.spring.app.RecordingObservationHandler;
import io.github.parallel4j.spring.app.RecordingObservationHandler.Span;
import io.github.parallel4j.spring.app.TriageApplication;
import io.github.parallel4j.spring.app.TriageAssistant;
import io.github.parallel4j.spring.app.TriageTools;
import io.github.parallel4j.spring.micrometer.MicrometerTurnObserver;
import io.github.parallel4j.support.CallLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot application: its {@code @AiService} is built by LangChain4j's starter and runs its tools
 * through this library with no code; observations, metrics and the Actuator endpoint are checked over real HTTP.
 */
@SpringBootTest(classes = TriageApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=paralleltools,metrics",
            "parallel-tools.turn-timeout=20s",
            "parallel-tools.integrations.datadog.max-concurrent=2",
            "parallel-tools.integrations.datadog.rate.permits=100",
            "parallel-tools.integrations.datadog.rate.period=1s",
        })
class AiServiceEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired TriageAssistant assistant;
    @Autowired TriageTools tools;
    @Autowired CallLog log;
    @Autowired RecordingObservationHandler spans;
    @Autowired MeterRegistry meters;
    @Autowired io.github.parallel4j.spring.app.ReportedTurns reported;
    @Autowired ParallelTools parallelTools;
    @Autowired io.github.parallel4j.spring.app.ToolAudit audit;
    @LocalServerPort int port;

    @Test
    void should_run_an_ai_services_turn_in_parallel_and_faster_than_with_the_library_off_when_the_starter_is_present() {
        assertThat(org.springframework.aop.support.AopUtils.isAopProxy(tools)).as("tools bean is proxied").isTrue();
        int audited = audit.flagsCalls();
        int before = log.intervals().size();
        long start = System.nanoTime();
        String answer = assistant.chat("triage INC-7");
        long parallel = System.nanoTime() - start;

        assertThat(answer).contains("\"ok\":true").contains("SEV2").contains("a1b2c3");
        List<CallLog.Interval> reads = log.intervals().subList(before, log.intervals().size());
        assertThat(reads).hasSize(4);
        assertThat(reads.get(0).overlaps(reads.get(1)) && reads.get(0).overlaps(reads.get(3))).isTrue();
        assertThat(parallelTools.toolPolicies()).containsKeys("incident", "metrics", "deploys", "flags", "held");
        assertThat(parallelTools.toolPolicies().get("flags").isExclusive()).isFalse();
        assertThat(audit.flagsCalls()).as("the proxy's advice ran").isEqualTo(audited + 1);

        try (ConfigurableApplicationContext off = new SpringApplicationBuilder(TriageApplication.class)
                .web(WebApplicationType.NONE).properties("parallel-tools.enabled=false").run()) {
            assertThat(off.getBeansOfType(ParallelTools.class)).isEmpty();
            TriageAssistant sequential = off.getBean(TriageAssistant.class);
            long t0 = System.nanoTime();
            String plain = sequential.chat("triage INC-7");
            long serial = System.nanoTime() - t0;
            assertThat(plain).contains("SEV2").doesNotContain("\"ok\"");
            // Four 300 ms reads: about 1x one read in parallel, 4x serially.
            assertThat((double) parallel / serial).isLessThan(0.5);
        }
    }

    @Test
    void should_observe_each_turn_and_call_on_overlapping_tool_threads_when_micrometer_is_present()
            throws Exception {
        spans.clear();
        reported.clear();
        assistant.chat("triage INC-8");
        assertThat(reported.awaitNext()).as("the turn was reported").isTrue();

        List<Span> turns = spans.finished(MicrometerTurnObserver.TURN);
        List<Span> calls = spans.finished(MicrometerTurnObserver.CALL);
        assertThat(turns).hasSize(1);
        assertThat(calls).hasSize(4);
        Span turn = turns.get(0);
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.parent()).isSameAs(turn.context());
            assertThat(call.start()).isGreaterThanOrEqualTo(turn.start());
            assertThat(call.stop()).isLessThanOrEqualTo(turn.stop());
            assertThat(call.thread()).isNotEqualTo(Thread.currentThread().getName());
        });
        assertThat(calls.stream().map(s -> s.context().getLowCardinalityKeyValue("tool").getValue()))
                .containsExactlyInAnyOrder("incident", "metrics", "deploys", "flags");
        Span first = calls.get(0);
        assertThat(calls.stream().filter(c -> c != first).anyMatch(c -> c.start() < first.stop() && first.start() < c.stop()))
                .as("call spans overlap").isTrue();
    }

    @Test
    void should_count_calls_latency_fan_out_and_overlap_by_tool_and_integration_when_a_meter_registry_exists()
            throws Exception {
        reported.clear();
        double okBefore = count("parallel.tools.calls", "metrics", "datadog", "ok");
        long fanOutBefore = meters.get("parallel.tools.turn.fanout").summaries().stream()
                .mapToLong(s -> s.count()).sum();

        assistant.chat("triage INC-9");
        assertThat(reported.awaitNext()).as("the turn was reported").isTrue();

        assertThat(count("parallel.tools.calls", "metrics", "datadog", "ok")).isEqualTo(okBefore + 1);
        assertThat(meters.get("parallel.tools.call.latency").tag("tool", "incident").tag("integration", "pagerduty")
                .timer().totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(TriageTools.READ_MILLIS);
        assertThat(meters.get("parallel.tools.permit.wait").tag("tool", "flags").tag("integration", "none").timer()
                .count()).isPositive();
        assertThat(meters.get("parallel.tools.turn.fanout").summary().count()).isEqualTo(fanOutBefore + 1);
        assertThat(meters.get("parallel.tools.turn.fanout").summary().max()).isEqualTo(4);
        assertThat(meters.get("parallel.tools.turn.overlap").summary().max()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("parallel.tools.integration.in.flight").tag("integration", "datadog").gauge().value())
                .isZero();
    }

    @Test
    void should_show_policies_limits_and_live_counts_over_http_when_the_endpoint_is_exposed() throws Exception {
        JsonNode idle = get("/actuator/paralleltools");
        assertThat(idle.at("/tools/incident/sideEffect").asText()).isEqualTo("read");
        assertThat(idle.at("/tools/incident/integration").asText()).isEqualTo("pagerduty");
        assertThat(idle.at("/tools/incident/exclusive").asBoolean()).isFalse();
        assertThat(idle.at("/integrations/datadog/maxConcurrent").asInt()).isEqualTo(2);
        assertThat(idle.at("/integrations/datadog/bandwidths")).hasSize(1);
        assertThat(idle.at("/integrations/datadog/inFlight").asInt()).isZero();
        assertThat(idle.at("/integrations/pagerduty/maxConcurrent").isNull()).isTrue();

        CountDownLatch release = tools.holdNext();
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> assistant.chat("hold"));
        try {
            assertThat(tools.awaitHeld()).isTrue();
            JsonNode busy = get("/actuator/paralleltools");
            assertThat(busy.at("/integrations/datadog/inFlight").asInt()).isEqualTo(1);
            assertThat(busy.at("/invocationsInFlight").asLong()).isEqualTo(1);
        } finally {
            release.countDown();
        }
        assertThat(held.get(10, TimeUnit.SECONDS)).contains("released");
        assertThat(get("/actuator/paralleltools").at("/integrations/datadog/inFlight").asInt()).isZero();
        assertThat(get("/actuator/metrics/parallel.tools.calls").at("/name").asText()).isEqualTo("parallel.tools.calls");
    }

    private double count(String name, String tool, String integration, String outcome) {
        var counter = meters.find(name).tag("tool", tool).tag("integration", integration).tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
