package io.github.parallel4j.samples.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Starts the sample as it ships (its application.yml), with faster tools, and talks to it over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "shop.latency-scale=1.0")
class AssistantApplicationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort int port;

    @Test
    void aTurnOfFourLookupsRunsInParallelAndTheRefundWaitsForThem() throws Exception {
        // Warm the JVM up (the first request through Tomcat, Jackson and LangChain4j is slow), then measure.
        post("/conversations/warm-up/messages", "{\"message\":\"Where is my order O-1?\"}", 200);
        JsonNode response = post("/conversations/c-1/messages", "{\"message\":\"Please refund my order O-123\"}", 200);

        assertThat(response.get("answer").asText()).contains("DELIVERED").contains("GOLD").contains("REFUNDED");
        Map<String, long[]> runs = new HashMap<>();
        long busy = 0;
        for (JsonNode run : response.get("toolRuns")) {
            long start = run.get("startMillis").asLong();
            long end = run.get("endMillis").asLong();
            runs.put(run.get("tool").asText(), new long[] {start, end});
            busy += end - start;
        }
        assertThat(runs).containsOnlyKeys("order", "shipment", "refundEligibility", "customer", "refund");
        // The three lookups by order id overlap; the customer lookup needs the order's customerId, so follows it.
        assertThat(overlap(runs.get("order"), runs.get("shipment"))).isTrue();
        assertThat(overlap(runs.get("order"), runs.get("refundEligibility"))).isTrue();
        assertThat(runs.get("customer")[0]).isGreaterThanOrEqualTo(runs.get("order")[1]);
        // The refund comes in the next AI message, after every lookup.
        for (String read : new String[] {"order", "shipment", "refundEligibility", "customer"}) {
            assertThat(runs.get("refund")[0]).as(read).isGreaterThanOrEqualTo(runs.get(read)[1]);
        }
        // Together the tools were busy for much longer than the request took.
        assertThat((double) response.get("elapsedMillis").asLong() / busy).isLessThan(0.8);
    }

    @Test
    void theActuatorEndpointShowsTheToggledPolicies() throws Exception {
        JsonNode report = get("/actuator/paralleltools");
        assertThat(report.at("/tools/shipment/integration").asText()).isEqualTo("carrier");
        assertThat(report.at("/tools/shipment/timeout").asText()).isEqualTo("PT5S");
        assertThat(report.at("/tools/refund/sideEffect").asText()).isEqualTo("write");
        assertThat(report.at("/tools/refund/resourceKeys/0").asText()).isEqualTo("order:{orderId}");
        assertThat(report.at("/integrations/orders/maxConcurrent").asInt()).isEqualTo(4);
        assertThat(report.at("/integrations/payments/maxConcurrent").asInt()).isEqualTo(1);
    }

    @Test
    void aBlankMessageIsABadRequest() throws Exception {
        post("/conversations/c-2/messages", "{\"message\":\" \"}", 400);
    }

    private static boolean overlap(long[] a, long[] b) {
        return a[0] < b[1] && b[0] < a[1];
    }

    private JsonNode post(String path, String body, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return status == 200 ? JSON.readTree(response.body()) : null;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
