package io.github.parallel4j.redis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A vendor on 127.0.0.1 for the replicas ({@link Replica}) to call: {@code /query} answers 429 beyond its rate (a
 * token bucket: a burst capacity, then a rate a second) and records how many requests it serves at once; {@code /write?key=K} records overlapping requests
 * per key; {@code /hold} counts the calls that get stuck after it; {@code /ready} answers once every replica has asked, so
 * that they start together.
 */
final class StubVendor implements AutoCloseable {

    final HttpServer server;
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger tooMany = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostRunning = new AtomicInteger();
    final AtomicInteger holding = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicLong firstNanos = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong lastNanos = new AtomicLong();
    private final Map<String, AtomicInteger> writing = new ConcurrentHashMap<>();
    private final Bucket bucket;
    private final CountDownLatch ready;
    private final long latencyMillis;

    StubVendor(int ratePerSecond, long latencyMillis, int replicas) throws IOException {
        this(ratePerSecond, ratePerSecond, latencyMillis, replicas);
    }

    /**
     * @param capacity the most requests it takes at once after a quiet spell (its burst)
     * @param ratePerSecond how many a second it takes after that
     */
    StubVendor(int capacity, int ratePerSecond, long latencyMillis, int replicas) throws IOException {
        this.bucket = Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity)
                .refillGreedy(ratePerSecond, Duration.ofSeconds(1)).build()).build();
        this.latencyMillis = latencyMillis;
        this.ready = new CountDownLatch(replicas);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "stub-vendor");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/query", this::query);
        server.createContext("/write", this::write);
        server.createContext("/hold", this::hold);
        server.createContext("/ready", this::ready);
        server.createContext("/warm", this::warm);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void query(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        firstNanos.accumulateAndGet(now, Math::min);
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            tooMany.incrementAndGet();
            exchange.getResponseHeaders().add("Retry-After-Ms",
                    String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill()))));
            answer(exchange, 429, "{\"error\":\"too many requests\"}");
            return;
        }
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            work(latencyMillis);
        } finally {
            running.decrementAndGet();
        }
        answered.incrementAndGet();
        lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
        answer(exchange, 200, "{\"ok\":true}");
    }

    /** A replica's warm-up: served like a query, counted nowhere. */
    private void warm(HttpExchange exchange) throws IOException {
        work(latencyMillis);
        answer(exchange, 200, "{\"ok\":true}");
    }

    private void write(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestURI().getQuery();
        AtomicInteger now = writing.computeIfAbsent(key, k -> new AtomicInteger());
        if (now.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try {
            work(latencyMillis);
        } finally {
            now.decrementAndGet();
        }
        writes.incrementAndGet();
        answer(exchange, 200, "{\"written\":true}");
    }

    private void hold(HttpExchange exchange) throws IOException {
        holding.incrementAndGet();
        answer(exchange, 200, "{}");
    }

    private void ready(HttpExchange exchange) throws IOException {
        ready.countDown();
        try {
            ready.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        answer(exchange, 200, "{}");
    }

    /** The vendor's own latency: the time it takes to serve a request. */
    private static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
