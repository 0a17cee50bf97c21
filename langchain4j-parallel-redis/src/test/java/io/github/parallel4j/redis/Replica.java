package io.github.parallel4j.redis;

import static io.github.parallel4j.support.ScriptedChatModel.call;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.RedissonClient;

/**
 * One replica of an assistant, run as a child JVM by {@link AcrossJvmsTest}: {@code ParallelTools} with the
 * vendor's limits shared through Redis, running conversations against the {@link StubVendor}.
 *
 * <p>Arguments: mode ({@code storm}, {@code hold}, {@code write}), Redis address, vendor port, namespace,
 * conversations, calls per conversation, cap, rate per second (0 for none), turn budget in seconds. Prints {@code DONE ok=N failed=M} at the end
 * ({@code HOLDING} for {@code hold}, which never ends by itself).
 */
public final class Replica {

    interface Assistant {
        String chat(String message);
    }

    /** The vendor's tools, calling it over HTTP. */
    public static final class VendorTools {
        private final HttpClient http = HttpClient.newBuilder().executor(Executors.newCachedThreadPool()).build();
        private final String base;

        VendorTools(int port) {
            this.base = "http://127.0.0.1:" + port;
        }

        private HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Tool("Queries the vendor")
        @ParallelSafe
        @Integration("vendor")
        public String query(String q) throws IOException, InterruptedException {
            HttpResponse<String> response = get("/query?" + q);
            if (response.statusCode() == 429) {
                long ms = Long.parseLong(response.headers().firstValue("Retry-After-Ms").orElse("100"));
                throw new RateLimitedException("429 Too Many Requests", Duration.ofMillis(ms));
            }
            return response.body();
        }

        @Tool("Warms the replica up: a query the vendor does not count")
        @ParallelSafe
        @Integration("vendor")
        public String warm(String q) throws IOException, InterruptedException {
            return get("/warm?" + q).body();
        }

        @Tool("A call that never returns")
        @ParallelSafe
        @Integration("vendor")
        public String hold(String q) throws IOException, InterruptedException {
            get("/hold");
            while (true) {
                try {
                    new java.util.concurrent.CountDownLatch(1).await(); // stuck, ignoring interrupts, until killed
                } catch (InterruptedException ignored) {
                    // a tool that does not honour interrupts
                }
            }
        }

        @Tool("Writes an order")
        @Writes(resourceKey = "order:{id}")
        public String write(String id) throws IOException, InterruptedException {
            return get("/write?order:" + id).body();
        }
    }

    /** Conversations like the storm's, through limits of their own namespace, against the vendor's uncounted path. */
    private static void warmUp(RedissonClient redisson, String namespace, VendorTools tools, IntegrationLimits limits,
            Duration budget) {
        ParallelTools warm = ParallelTools.builder().turnTimeout(budget).integration("vendor", limits)
                .sharedLimits(RedisSharedLimits.builder(redisson).namespace(namespace).build()).build();
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                List<ToolExecutionRequest> requests = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    requests.add(call("call_" + i, "warm", "{\"q\":\"w" + round + c + i + "\"}"));
                }
                ScriptedChatModel model = ScriptedChatModel.callsThenSummary(requests);
                Assistant assistant = warm.install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
                running.add(CompletableFuture.runAsync(() -> assistant.chat("go")));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        RedissonClient redisson = RedisServer.client(args[1]);
        int port = Integer.parseInt(args[2]);
        String namespace = args[3];
        int conversations = Integer.parseInt(args[4]);
        int calls = Integer.parseInt(args[5]);
        int cap = Integer.parseInt(args[6]);
        int rate = Integer.parseInt(args[7]);
        boolean hold = mode.equals("hold");
        IntegrationLimits.Builder limits = IntegrationLimits.builder().maxConcurrent(cap);
        if (rate > 0) {
            limits.rate(rate, Duration.ofSeconds(1));
        }
        ParallelTools parallel = ParallelTools.builder()
                .turnTimeout(Duration.ofSeconds(Long.parseLong(args[8])))
                .integration("vendor", limits.build())
                .sharedLimits(RedisSharedLimits.builder(redisson).namespace(namespace)
                        .leaseMargin(Duration.ofSeconds(1)).keyedWrites(mode.equals("write")).build())
                .build();
        VendorTools tools = new VendorTools(port);
        String tool = switch (mode) {
            case "storm" -> "query";
            case "hold" -> "hold";
            default -> "write";
        };
        if (mode.equals("storm")) {
            // Warm, then wait for the others: the storm's first seconds then run at full speed in every JVM. A
            // cold JVM (loading classes, compiling, connecting) is slower than the rate at first while the bucket
            // is full, and every token it leaves in a full bucket is lost to the storm's time.
            // the same steps (cap, then rate) at a rate that does not slow the warm-up down
            warmUp(redisson, namespace + "-warm", tools, IntegrationLimits.builder().maxConcurrent(cap)
                    .rate(1_000, Duration.ofSeconds(1)).build(), Duration.ofSeconds(Long.parseLong(args[8])));
        }
        tools.get("/ready");
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        var pool = Executors.newCachedThreadPool();
        for (int c = 0; c < conversations; c++) {
            List<ToolExecutionRequest> requests = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String argument = tool.equals("write") ? "{\"id\":\"" + (i % 2) + "\"}" : "{\"q\":\"c" + c + "i" + i + "\"}";
                requests.add(call("call_" + i, tool, argument));
            }
            ScriptedChatModel model = ScriptedChatModel.callsThenSummary(requests);
            Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
            running.add(CompletableFuture.runAsync(() -> {
                assistant.chat("go");
                for (String result : ScriptedChatModel.toolResults(model.lastRequest())) {
                    (result.contains("\"ok\":false") ? failed : ok).incrementAndGet();
                }
            }, pool));
        }
        if (hold) {
            System.out.println("HOLDING");
            System.out.flush();
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        System.out.println("DONE ok=" + ok + " failed=" + failed);
        System.out.flush();
        if (hold) {
            new java.util.concurrent.CountDownLatch(1).await(); // its stuck calls keep their permits until it is killed
        }
        redisson.shutdown();
        System.exit(0);
    }
}
