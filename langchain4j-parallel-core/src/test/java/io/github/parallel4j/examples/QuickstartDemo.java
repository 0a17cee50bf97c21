package io.github.parallel4j.examples;

import static io.github.parallel4j.support.ScriptedChatModel.call;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs one on-call triage turn twice on a scripted model (offline): first with LangChain4j's default (tools one
 * after another), then through langchain4j-parallel. Prints both timelines and the speed-up.
 *
 * <p>The model asks for five reads, a lookup that needs the incident's service ({@code $call_1.service}) and a
 * Slack post (an exclusive write) in one message. Set {@code -Ddemo.scale=0.5} to halve every latency.
 */
public final class QuickstartDemo {

    interface Assistant {
        String triage(String incident);
    }

    record Span(String tool, long start, long end) {}

    static final class TriageTools {
        final long origin = System.nanoTime();
        final List<Span> spans = Collections.synchronizedList(new ArrayList<>());
        private final double scale;

        TriageTools(double scale) {
            this.scale = scale;
        }

        private String work(String tool, long millis, String result) {
            long start = System.nanoTime();
            try {
                Thread.sleep((long) (millis * scale)); // simulated integration latency
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            spans.add(new Span(tool, start - origin, System.nanoTime() - origin));
            return result;
        }

        @Tool("Incident details") @ParallelSafe @Integration("pagerduty")
        String incident(String incidentId) {
            return work("incident", 600, "{\"id\":\"" + incidentId + "\",\"service\":\"checkout\",\"severity\":\"SEV2\"}");
        }

        @Tool("Metric snapshot") @ParallelSafe @Integration("datadog")
        String metrics(String query) {
            return work("metrics", 700, "{\"p99_ms\":2300,\"error_rate\":0.07}");
        }

        @Tool("Recent deploys") @ParallelSafe
        String deploys(String service) {
            return work("deploys", 500, "[{\"sha\":\"9f2c\",\"minutes_ago\":14}]");
        }

        @Tool("Feature flags") @ParallelSafe
        String flags(String service) {
            return work("flags", 400, "{\"new-tax-engine\":true}");
        }

        @Tool("Runbook") @ParallelSafe
        String runbook(String service) {
            return work("runbook", 450, "Roll back the last deploy if the error rate is above 5%.");
        }

        @Tool("Owner of a service") @ParallelSafe
        String owner(String service) {
            return work("owner(" + service + ")", 300, "{\"team\":\"payments\",\"oncall\":\"ada\"}");
        }

        @Tool("Post the summary to Slack") @Writes
        String postSlackSummary(String text) {
            return work("postSlackSummary", 250, "posted");
        }
    }

    private static ScriptedChatModel model() {
        return new ScriptedChatModel(
                request -> AiMessage.from(List.of(
                        call("call_1", "incident", "{\"incidentId\":\"INC-7\"}"),
                        call("call_2", "metrics", "{\"query\":\"checkout p99\"}"),
                        call("call_3", "deploys", "{\"service\":\"checkout\"}"),
                        call("call_4", "flags", "{\"service\":\"checkout\"}"),
                        call("call_5", "runbook", "{\"service\":\"checkout\"}"),
                        call("call_6", "owner", "{\"service\":\"$call_1.service\"}"),
                        call("call_7", "postSlackSummary", "{\"text\":\"INC-7: checkout p99 2.3s after deploy 9f2c\"}"))),
                request -> AiMessage.from("Checkout p99 is 2.3 s since deploy 9f2c; payments (ada) is paged; "
                        + "the runbook says roll back."));
    }

    public static void main(String[] args) {
        double scale = Double.parseDouble(System.getProperty("demo.scale", "1.0"));

        TriageTools serialTools = new TriageTools(scale);
        ScriptedChatModel serialModel = model();
        // LangChain4j's default cannot resolve $call_1.service: the owner lookup gets the literal text.
        Assistant serial = AiServices.builder(Assistant.class).tools(serialTools).chatModel(serialModel).build();
        long t0 = System.nanoTime();
        serial.triage("INC-7");
        long serialNanos = System.nanoTime() - t0;

        java.util.concurrent.CompletableFuture<io.github.parallel4j.TurnReport> firstTurn =
                new java.util.concurrent.CompletableFuture<>();
        ParallelTools parallel = ParallelTools.builder()
                .turnTimeout(Duration.ofSeconds(30))
                .integration("datadog", IntegrationLimits.builder().maxConcurrent(3).build())
                .turnListener(firstTurn::complete)
                .build();
        TriageTools parallelTools = new TriageTools(scale);
        ScriptedChatModel parallelModel = model();
        Assistant fast = parallel.install(AiServices.builder(Assistant.class), parallelTools)
                .chatModel(parallelModel)
                .build();
        long t1 = System.nanoTime();
        String answer = fast.triage("INC-7");
        long parallelNanos = System.nanoTime() - t1;

        System.out.println();
        System.out.println("One triage turn: 7 tool calls in one AI message");
        System.out.println();
        print("LangChain4j default (one after another)", serialTools, serialNanos);
        System.out.printf("langchain4j-parallel (safe parallel): %d ms ('.' waited for its turn, '#' ran)%n",
                parallelNanos / 1_000_000);
        io.github.parallel4j.TurnReport report = firstTurn.join();
        System.out.print(io.github.parallel4j.observe.TurnTimeline.ascii(report, 60));
        java.nio.file.Path html = java.nio.file.Path.of(System.getProperty("demo.html", "target/turn-timeline.html"));
        try {
            java.nio.file.Files.createDirectories(html.toAbsolutePath().getParent());
            java.nio.file.Files.writeString(html, io.github.parallel4j.observe.TurnTimeline.html(report, "Triage turn"));
            System.out.println("Timeline written to " + html.toAbsolutePath());
        } catch (java.io.IOException e) {
            System.out.println("Could not write the timeline: " + e.getMessage());
        }
        System.out.println();
        System.out.printf("Speed-up: %.1fx (%d ms -> %d ms)%n%n", (double) serialNanos / parallelNanos,
                serialNanos / 1_000_000, parallelNanos / 1_000_000);
        System.out.println("Observations the model received:");
        for (String observation : ScriptedChatModel.toolResults(parallelModel.lastRequest())) {
            System.out.println("  " + observation);
        }
        System.out.println();
        System.out.println("Answer: " + answer);
    }

    private static void print(String title, TriageTools tools, long turnNanos) {
        System.out.printf("%s: %d ms%n", title, turnNanos / 1_000_000);
        double msPerChar = Math.max(1, turnNanos / 1_000_000.0 / 60);
        List<Span> spans = new ArrayList<>(tools.spans);
        long base = spans.stream().mapToLong(Span::start).min().orElse(0);
        for (Span span : spans) {
            int from = (int) ((span.start() - base) / 1_000_000 / msPerChar);
            int to = Math.max(from + 1, (int) ((span.end() - base) / 1_000_000 / msPerChar));
            System.out.printf("  %-22s %s%s%n", span.tool(), " ".repeat(from), "#".repeat(to - from));
        }
        System.out.println();
    }
}
