package io.github.parallel4j.bench;

import dev.langchain4j.agent.tool.Tool;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.policy.ToolPolicy;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tools every scenario calls: each sleeps for the latency the model asked for (an upstream's response time)
 * and records itself in a {@link CallRecorder}. The annotations say what each tool does; the baselines ignore
 * them (staged waves reads them to plan its waves), the library acts on them.
 *
 * <p>{@code step} names the call in the recorder ({@code c12.call_3}), {@code latencyMs} is the simulated
 * response time. {@link #queryMetrics} goes to a {@link SimulatedVendor} that may answer 429.
 */
public final class SimulatedTools {

    private final CallRecorder recorder;
    private final SimulatedVendor vendor;
    private final boolean libraryClient;

    /**
     * @param recorder where calls are recorded
     * @param vendor the rate-limited vendor behind {@link #queryMetrics}, may be null when unused
     * @param libraryClient whether a 429 is thrown as {@link RateLimitedException} (the library's way) rather
     *     than retried naively and finally thrown as a plain exception (what a plain LangChain4j tool does)
     */
    SimulatedTools(CallRecorder recorder, SimulatedVendor vendor, boolean libraryClient) {
        this.recorder = recorder;
        this.vendor = vendor;
        this.libraryClient = libraryClient;
    }

    /** @return each tool's policy, read from its annotations as the library reads them */
    static Map<String, ToolPolicy> policies() {
        Map<String, ToolPolicy> policies = new TreeMap<>();
        for (Method method : SimulatedTools.class.getMethods()) {
            if (method.isAnnotationPresent(Tool.class)) {
                policies.put(method.getName(), ToolPolicy.of(method, ToolPolicy.exclusiveWrite()));
            }
        }
        return policies;
    }

    private String run(String integration, String step, int latencyMs, String result) {
        long start = recorder.enter(integration);
        try {
            Thread.sleep(latencyMs);
            return "{\"step\":\"" + step + "\"," + result.substring(1); // the step proves it was answered
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            recorder.leave(integration, step, start);
        }
    }

    // Eight-read triage (and the thousand conversations).

    @Tool("Incident details") @ParallelSafe @Integration("pagerduty")
    public String incident(String step, int latencyMs) {
        return run("pagerduty", step, latencyMs, "{\"incident\":\"INC-7\",\"service\":\"checkout\"}");
    }

    @Tool("Error-rate metrics") @ParallelSafe @Integration("datadog")
    public String metrics(String step, int latencyMs) {
        return run("datadog", step, latencyMs, "{\"error_rate\":0.12}");
    }

    @Tool("Recent error logs") @ParallelSafe @Integration("datadog")
    public String logs(String step, int latencyMs) {
        return run("datadog", step, latencyMs, "{\"lines\":[\"timeout calling payments\"]}");
    }

    @Tool("Recent deploys") @ParallelSafe @Integration("github")
    public String deploys(String step, int latencyMs) {
        return run("github", step, latencyMs, "{\"sha\":\"a1b2c3\"}");
    }

    @Tool("Feature flags changed") @ParallelSafe @Integration("launchdarkly")
    public String flags(String step, int latencyMs) {
        return run("launchdarkly", step, latencyMs, "{\"flags\":[\"new-checkout\"]}");
    }

    @Tool("Runbook") @ParallelSafe @Integration("confluence")
    public String runbook(String step, int latencyMs) {
        return run("confluence", step, latencyMs, "{\"title\":\"Checkout errors\"}");
    }

    @Tool("Open tickets") @ParallelSafe @Integration("jira")
    public String tickets(String step, int latencyMs) {
        return run("jira", step, latencyMs, "{\"open\":3}");
    }

    @Tool("Service owner") @ParallelSafe @Integration("jira")
    public String owner(String step, int latencyMs) {
        return run("jira", step, latencyMs, "{\"team\":\"payments\"}");
    }

    // The uneven read-then-write graph.

    @Tool("Order by id") @ParallelSafe(resourceKey = "order:{orderId}") @Integration("shop")
    public String order(String step, String orderId, int latencyMs) {
        return run("shop", step, latencyMs,
                "{\"orderId\":\"" + orderId + "\",\"customerId\":\"cu-" + orderId + "\",\"paymentId\":\"p-" + orderId
                        + "\"}");
    }

    @Tool("Customer by id") @ParallelSafe(resourceKey = "customer:{customerId}") @Integration("crm")
    public String customer(String step, String customerId, int latencyMs) {
        return run("crm", step, latencyMs, "{\"customerId\":\"" + customerId + "\",\"tier\":\"gold\"}");
    }

    @Tool("Stock of a product") @ParallelSafe(resourceKey = "sku:{sku}") @Integration("warehouse")
    public String inventory(String step, String sku, int latencyMs) {
        return run("warehouse", step, latencyMs, "{\"sku\":\"" + sku + "\",\"reserved\":2}");
    }

    @Tool("Cancel an order") @Writes(resourceKey = "order:{orderId}") @Integration("shop")
    public String cancelOrder(String step, String orderId, int latencyMs) {
        return run("shop", step, latencyMs, "{\"cancelled\":\"" + orderId + "\"}");
    }

    @Tool("Refund an order's payment") @Writes(resourceKey = "order:{orderId}") @Integration("shop")
    public String refund(String step, String orderId, String paymentId, int latencyMs) {
        return run("shop", step, latencyMs, "{\"refunded\":\"" + paymentId + "\"}");
    }

    @Tool("Put reserved stock back") @Writes(resourceKey = "sku:{sku}") @Integration("warehouse")
    public String restock(String step, String sku, String quantity, int latencyMs) {
        return run("warehouse", step, latencyMs, "{\"restocked\":\"" + quantity + "\"}");
    }

    @Tool("Email a customer") @Writes(resourceKey = "customer:{customerId}") @Integration("email")
    public String notifyCustomer(String step, String customerId, String text, int latencyMs) {
        return run("email", step, latencyMs, "{\"sent\":true}");
    }

    // The 429 storm.

    @Tool("Query a metric at the rate-limited vendor") @ParallelSafe @Integration("vendor")
    public String queryMetrics(String step, String query) {
        for (int attempt = 1; ; attempt++) {
            long retryAfterNanos = vendor.request();
            if (retryAfterNanos == 0) {
                return run("vendor", step, vendor.latencyMillis(), "{\"query\":\"" + query + "\",\"value\":1}");
            }
            if (libraryClient) {
                throw new RateLimitedException("429 Too Many Requests", Duration.ofNanos(retryAfterNanos));
            }
            if (attempt == SimulatedVendor.NAIVE_ATTEMPTS) {
                throw new IllegalStateException("429 Too Many Requests (gave up after " + attempt + " attempts)");
            }
            try {
                Thread.sleep(vendor.naiveRetryMillis()); // what a plain HTTP client does: wait a little, try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
