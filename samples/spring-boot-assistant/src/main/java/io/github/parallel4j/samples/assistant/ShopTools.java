package io.github.parallel4j.samples.assistant;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The shop's tools, with simulated latencies ({@code shop.latency-scale} scales them). Reads are
 * {@code @ParallelSafe}; the refund is a keyed write, so it waits for reads of the same order and never overlaps
 * another refund of it. Each call's start and end are recorded for the timeline the REST endpoint returns.
 */
@Component
public class ShopTools {

    /** One tool run, in milliseconds since the application started. */
    public record Run(String tool, long startMillis, long endMillis) {}

    private final double scale;
    private final long epoch = System.nanoTime();
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final Map<String, String> refunds = new ConcurrentHashMap<>();

    public ShopTools(@Value("${shop.latency-scale:1.0}") double scale) {
        if (!(scale >= 0)) {
            throw new IllegalArgumentException("shop.latency-scale must be 0 or more, was " + scale);
        }
        this.scale = scale;
    }

    @Tool("The order's status, items and total")
    @ParallelSafe(resourceKey = "order:{orderId}")
    @Integration("orders")
    public Map<String, Object> order(@P("the order id") String orderId) {
        work("order", 400);
        return Map.of("orderId", orderId, "status", "DELIVERED", "total", 129.90, "customerId", "C-17",
                "items", List.of("headphones"));
    }

    @Tool("Where the order's parcel is")
    @ParallelSafe
    @Integration("carrier")
    public Map<String, Object> shipment(@P("the order id") String orderId) {
        work("shipment", 600);
        return Map.of("orderId", orderId, "carrier", "DHL", "deliveredAt", "2026-11-21T10:14:00Z");
    }

    @Tool("The customer's profile and loyalty tier")
    @ParallelSafe
    @Integration("crm")
    public Map<String, Object> customer(@P("the customer id") String customerId) {
        work("customer", 300);
        return Map.of("customerId", customerId, "tier", "GOLD", "since", 2019);
    }

    @Tool("Whether an order can be refunded under the returns policy")
    @ParallelSafe(resourceKey = "order:{orderId}")
    @Integration("orders")
    public Map<String, Object> refundEligibility(@P("the order id") String orderId) {
        work("refundEligibility", 350);
        return Map.of("orderId", orderId, "eligible", true, "reason", "within 30 days");
    }

    @Tool("Refunds an order in full")
    @Writes(resourceKey = "order:{orderId}")
    @Integration("payments")
    public Map<String, Object> refund(@P("the order id") String orderId) {
        work("refund", 500);
        String id = refunds.computeIfAbsent(orderId, o -> "R-" + (refunds.size() + 1));
        return Map.of("orderId", orderId, "refundId", id, "status", "REFUNDED");
    }

    /** @return the tool runs recorded so far */
    public List<Run> runs() {
        return List.copyOf(runs);
    }

    private void work(String tool, long millis) {
        long start = System.nanoTime();
        try {
            Thread.sleep(Math.round(millis * scale));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(tool + " was interrupted", e);
        } finally {
            runs.add(new Run(tool, (start - epoch) / 1_000_000, (System.nanoTime() - epoch) / 1_000_000));
        }
    }
}
