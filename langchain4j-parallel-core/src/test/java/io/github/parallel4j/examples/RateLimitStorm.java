package io.github.parallel4j.examples;

import static io.github.parallel4j.support.ScriptedChatModel.call;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.internal.limit.BandwidthWords;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "429 storm": twelve metric queries in one turn against a simulated vendor that answers 429 to any request
 * beyond 5 in the last second (a sliding window), with 100 ms of latency per answered request. Compares
 * LangChain4j's {@code executeToolsConcurrently()} with naive retries (wait 100 ms, try again) to this library with
 * the vendor's limit configured. Not a test: run on demand with
 * {@code mvn -q -pl langchain4j-parallel-core test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.parallel4j.examples.RateLimitStorm}.
 */
public final class RateLimitStorm {

    static final int QUERIES = 12;
    static final int LIMIT = 5;
    static final long WINDOW_NANOS = 1_000_000_000L;
    static final long LATENCY_MS = 100;

    interface Assistant {
        String chat(String message);
    }

    /** A vendor's rate limit: 0 when a request is accepted, else nanoseconds until one would be (Retry-After). */
    abstract static class Vendor {
        final AtomicInteger tooMany = new AtomicInteger();

        abstract long request();

        static Vendor create(boolean slidingWindow) {
            return slidingWindow ? new SlidingWindowVendor() : new TokenBucketVendor();
        }
    }

    /** {@value #LIMIT} per second as a token bucket with a burst of {@value #LIMIT} (API gateways, most SaaS APIs). */
    static final class TokenBucketVendor extends Vendor {
        private final io.github.bucket4j.Bucket bucket = io.github.bucket4j.Bucket.builder()
                .addLimit(io.github.bucket4j.Bandwidth.builder().capacity(LIMIT)
                        .refillGreedy(LIMIT, Duration.ofSeconds(1)).build())
                .build();

        @Override
        long request() {
            io.github.bucket4j.ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                return 0;
            }
            tooMany.incrementAndGet();
            return probe.getNanosToWaitForRefill();
        }
    }

    /** At most {@value #LIMIT} requests in any sliding second: stricter than a token bucket. */
    static final class SlidingWindowVendor extends Vendor {
        private final ArrayDeque<Long> accepted = new ArrayDeque<>();

        @Override
        synchronized long request() {
            long now = System.nanoTime();
            while (!accepted.isEmpty() && now - accepted.peekFirst() >= WINDOW_NANOS) {
                accepted.pollFirst();
            }
            if (accepted.size() >= LIMIT) {
                tooMany.incrementAndGet();
                return WINDOW_NANOS - (now - accepted.peekFirst());
            }
            accepted.addLast(now);
            return 0;
        }
    }

    static final class NaiveTools {
        final Vendor vendor;

        NaiveTools(Vendor vendor) {
            this.vendor = vendor;
        }

        @Tool
        String metrics(String query) throws InterruptedException {
            for (int attempt = 1; ; attempt++) {
                if (vendor.request() == 0) {
                    Thread.sleep(LATENCY_MS);
                    return "{\"query\":\"" + query + "\"}";
                }
                if (attempt == 20) {
                    throw new IllegalStateException("429 Too Many Requests");
                }
                Thread.sleep(100); // a naive client: wait a little and try again
            }
        }
    }

    static final class LibraryTools {
        final Vendor vendor;

        LibraryTools(Vendor vendor) {
            this.vendor = vendor;
        }

        @Tool
        @ParallelSafe
        @Integration("datadog")
        String metrics(String query) throws InterruptedException {
            long retryAfter = vendor.request();
            if (retryAfter > 0) {
                throw new RateLimitedException("429 Too Many Requests", Duration.ofNanos(retryAfter));
            }
            Thread.sleep(LATENCY_MS);
            return "{\"query\":\"" + query + "\"}";
        }
    }

    private static List<ToolExecutionRequest> queries() {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            calls.add(call("call_" + i, "metrics", "{\"query\":\"q" + i + "\"}"));
        }
        return calls;
    }

    record Result(long millis, long answered) {}

    private static Result run(Assistant assistant, ScriptedChatModel model) {
        long start = System.nanoTime();
        assistant.chat("twelve metrics");
        long millis = (System.nanoTime() - start) / 1_000_000;
        long answered = ScriptedChatModel.toolResults(model.lastRequest()).stream()
                .filter(t -> t.contains("\"query\"")).count();
        return new Result(millis, answered);
    }

    private static void report(String label, Result r, long boundMs, int tooMany) {
        System.out.printf("  %-56s %5d ms (%.2fx bound), %2d/%d answered, %3d upstream 429s%n",
                label, r.millis(), (double) r.millis() / boundMs, r.answered(), QUERIES, tooMany);
    }

    public static void main(String[] args) {
        scenario(false);
        scenario(true);
    }

    private static void scenario(boolean slidingWindow) {
        // The best any client can do against the vendor, answered request by answered request.
        long boundMs = slidingWindow
                ? (QUERIES - 1) / LIMIT * 1000 + LATENCY_MS                 // 5 now, 5 a second later, 2 after that
                : (QUERIES - LIMIT) * 1000 / LIMIT + LATENCY_MS;            // a burst of 5, then one per 200 ms
        System.out.printf("%n429 storm, %s vendor: %d queries, %d per second, %d ms latency; bound %d ms%n",
                slidingWindow ? "sliding-window" : "token-bucket", QUERIES, LIMIT, LATENCY_MS, boundMs);

        NaiveTools naive = new NaiveTools(Vendor.create(slidingWindow));
        ScriptedChatModel naiveModel = ScriptedChatModel.callsThenSummary(queries());
        Result naiveResult = run(AiServices.builder(Assistant.class).tools(naive).executeToolsConcurrently()
                .chatModel(naiveModel).build(), naiveModel);
        report("LangChain4j executeToolsConcurrently(), naive retries", naiveResult, boundMs, naive.vendor.tooMany.get());

        List<IntegrationLimits> configs = slidingWindow
                ? List.of(IntegrationLimits.builder().rate(1, Duration.ofMillis(200)).build(),
                        IntegrationLimits.builder().rate(1, Duration.ofMillis(202)).build())
                : List.of(IntegrationLimits.builder().rate(LIMIT, Duration.ofSeconds(1)).build(),
                        IntegrationLimits.builder().rate(LIMIT, Duration.ofMillis(1010)).build());
        for (IntegrationLimits limits : configs) {
            LibraryTools tools = new LibraryTools(Vendor.create(slidingWindow));
            ScriptedChatModel model = ScriptedChatModel.callsThenSummary(queries());
            ParallelTools parallel = ParallelTools.builder().integration("datadog", limits).build();
            Result result = run(parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build(),
                    model);
            report("langchain4j-parallel, [" + BandwidthWords.describe(limits.bandwidths()) + "]", result, boundMs, tools.vendor.tooMany.get());
        }
    }
}
