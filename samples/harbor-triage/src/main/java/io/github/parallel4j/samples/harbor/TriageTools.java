package io.github.parallel4j.samples.harbor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The on-call engineer's integrations, faked: eight reads and one write. Each answers small, deterministic JSON
 * after a simulated latency, and records when it ran.
 *
 * <p>The reads are {@link ParallelSafe}; the Slack post {@link Writes} (keyless: it runs alone, after every call
 * emitted before it). {@link Integration} names the system whose limits apply.
 */
public final class TriageTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedLatencies latencies;
    private final CallRecorder recorder;
    private final java.util.List<String> posted = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param latencies how long each integration takes
     * @param recorder where each call's start and end go
     */
    public TriageTools(SimulatedLatencies latencies, CallRecorder recorder) {
        this.latencies = latencies;
        this.recorder = recorder;
    }

    @Tool("Details of a PagerDuty incident: title, service, severity, status, who is paged")
    @ParallelSafe
    @Integration("pagerduty")
    public String incident(@P("incident id, e.g. INC-4211") String incidentId) {
        return run("incident", "pagerduty", incidentId, false, () -> {
            ObjectNode incident = JSON.createObjectNode();
            incident.put("id", incidentId);
            incident.put("title", "Checkout p99 latency above 2 s");
            incident.put("service", "checkout");
            incident.put("severity", "SEV2");
            incident.put("status", "triggered");
            incident.put("triggered_at", "2026-11-25T03:12:00Z");
            incident.put("paged", "ada (payments on-call)");
            return incident;
        });
    }

    @Tool("A Datadog metric for a service over the last hour: p99_latency, error_rate or saturation")
    @ParallelSafe
    @Integration("datadog")
    public String metrics(@P("service name") String service,
            @P("one of p99_latency, error_rate, saturation") String query) {
        return run("metrics", "datadog", query, false, () -> {
            ObjectNode metric = JSON.createObjectNode();
            metric.put("service", service);
            metric.put("query", query);
            switch (String.valueOf(query).toLowerCase(Locale.ROOT)) {
                case "p99_latency" -> series(metric, "ms", 420, 2310, 410, 430, 2210, 2310);
                case "error_rate" -> series(metric, "%", 0.4, 6.8, 0.4, 0.5, 5.9, 6.8);
                case "saturation" -> series(metric, "cpu", 0.55, 0.62, 0.54, 0.57, 0.61, 0.62);
                default -> metric.put("error", "unknown query; try p99_latency, error_rate or saturation");
            }
            return metric;
        });
    }

    @Tool("Deploys of a service in the last 24 hours (Argo CD, newest first)")
    @ParallelSafe
    @Integration("argo")
    public String recentDeploys(@P("service name") String service) {
        return run("recentDeploys", "argo", service, false, () -> {
            ArrayNode deploys = JSON.createArrayNode();
            deploys.addObject().put("sha", "9f2c1e7").put("by", "grace").put("minutes_ago", 14)
                    .put("change", "tax engine v2 behind flag new-tax-engine");
            deploys.addObject().put("sha", "41ab09d").put("by", "linus").put("minutes_ago", 190)
                    .put("change", "cart: retry budget 3 -> 2");
            return deploys;
        });
    }

    @Tool("LaunchDarkly feature flags of a service, with rollout and last change")
    @ParallelSafe
    @Integration("launchdarkly")
    public String featureFlags(@P("service name") String service) {
        return run("featureFlags", "launchdarkly", service, false, () -> {
            ObjectNode flags = JSON.createObjectNode();
            flags.putObject("new-tax-engine").put("on", true).put("rollout_percent", 50)
                    .put("changed_minutes_ago", 16);
            flags.putObject("fast-cart").put("on", false).put("rollout_percent", 0)
                    .put("changed_minutes_ago", 4320);
            return flags;
        });
    }

    @Tool("The SLO error budget of a service: objective, budget left, burn rate")
    @ParallelSafe
    @Integration("slo")
    public String errorBudget(@P("service name") String service) {
        return run("errorBudget", "slo", service, false, () -> {
            ObjectNode budget = JSON.createObjectNode();
            budget.put("service", service);
            budget.put("objective", "99.9% of checkouts succeed, 30 days");
            budget.put("budget_left_percent", 31);
            budget.put("burn_rate_1h", 14.2);
            return budget;
        });
    }

    @Tool("Open Jira tickets that mention a service")
    @ParallelSafe
    @Integration("jira")
    public String relatedTickets(@P("service name") String service) {
        return run("relatedTickets", "jira", service, false, () -> {
            ArrayNode tickets = JSON.createArrayNode();
            tickets.addObject().put("key", "PAY-1312").put("summary", "Tax calculation timeouts for EU carts")
                    .put("status", "In Progress");
            tickets.addObject().put("key", "PAY-1290").put("summary", "Flaky checkout smoke test")
                    .put("status", "Open");
            return tickets;
        });
    }

    @Tool("The latest messages of a Slack channel")
    @ParallelSafe
    @Integration("slack")
    public String slackThread(@P("channel, e.g. #inc-4211") String channel) {
        return run("slackThread", "slack", channel, false, () -> {
            ObjectNode thread = JSON.createObjectNode();
            thread.put("channel", channel);
            ArrayNode messages = thread.putArray("messages");
            messages.addObject().put("user", "ada").put("text", "p99 spiking since ~03:00, EU only?");
            messages.addObject().put("user", "grace").put("text", "tax engine v2 went to 50% at 02:58");
            return thread;
        });
    }

    @Tool("The Confluence runbook of a service")
    @ParallelSafe
    @Integration("confluence")
    public String runbook(@P("service name") String service) {
        return run("runbook", "confluence", service, false, () -> {
            ObjectNode runbook = JSON.createObjectNode();
            runbook.put("title", "Checkout: latency and errors");
            ArrayNode steps = runbook.putArray("steps");
            steps.add("Check deploys and flag changes of the last 30 minutes");
            steps.add("If a flag changed, turn it off first");
            steps.add("Roll back the last deploy if the error rate stays above 5%");
            return runbook;
        });
    }

    @Tool("Post a triage summary to a Slack channel")
    @Writes
    @Integration("slack")
    public String postSlackSummary(@P("channel, e.g. #inc-4211") String channel, @P("the summary") String text) {
        return run("postSlackSummary", "slack", channel, true, () -> {
            posted.add(channel + ": " + text);
            ObjectNode posted = JSON.createObjectNode();
            posted.put("ok", true);
            posted.put("channel", channel);
            posted.put("ts", "1764040331.000100");
            posted.put("chars", text.length());
            return posted;
        });
    }

    /** @return every summary posted to Slack, as {@code channel: text} */
    public java.util.List<String> postedSummaries() {
        return java.util.List.copyOf(posted);
    }

    private interface Answer {
        Object get();
    }

    private String run(String tool, String integration, String detail, boolean write, Answer answer) {
        long start = recorder.now();
        try {
            sleep(latencies.of(tool)); // the simulated integration latency
            return JSON.writeValueAsString(answer.get());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            recorder.finished(new CallSpan(tool, integration, detail, write, start, recorder.now()));
        }
    }

    private static void series(ObjectNode metric, String unit, double baseline, double now, double... points) {
        metric.put("unit", unit);
        metric.set("baseline", number(baseline));
        metric.set("now", number(now));
        ArrayNode values = metric.putArray("last_hour");
        for (double point : points) {
            values.add(number(point));
        }
    }

    /** Whole numbers as integers, so that 2310 ms reads as 2310 and not 2310.0. */
    private static com.fasterxml.jackson.databind.JsonNode number(double value) {
        return value == Math.rint(value) ? JSON.getNodeFactory().numberNode((long) value)
                : JSON.getNodeFactory().numberNode(value);
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the turn's budget ran out: stop, as a real client would
            throw new IllegalStateException("interrupted", e);
        }
    }
}
