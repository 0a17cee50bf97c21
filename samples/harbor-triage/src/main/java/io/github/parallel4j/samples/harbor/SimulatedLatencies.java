package io.github.parallel4j.samples.harbor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long each fake integration takes to answer: realistic ratios (metric queries are the slowest, the feature
 * flag service the fastest) times a scale. At scale 1 the serial triage takes about 4 s.
 */
public final class SimulatedLatencies {

    /** Milliseconds per tool at scale 1. */
    static final Map<String, Long> BASE_MILLIS = baseMillis();

    private final double scale;

    /**
     * @param scale multiplies every latency; positive
     */
    public SimulatedLatencies(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        }
        this.scale = scale;
    }

    /**
     * @param tool a tool's name
     * @return how long it takes, scaled
     */
    public Duration of(String tool) {
        Long millis = BASE_MILLIS.get(tool);
        if (millis == null) {
            throw new IllegalArgumentException("no simulated latency for tool " + tool);
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000L * scale));
    }

    /** @return the scale */
    public double scale() {
        return scale;
    }

    private static Map<String, Long> baseMillis() {
        Map<String, Long> millis = new LinkedHashMap<>();
        millis.put("incident", 250L);          // PagerDuty REST
        millis.put("metrics", 600L);           // a Datadog timeseries query: the slowest
        millis.put("recentDeploys", 400L);     // Argo CD / GitHub deployments
        millis.put("featureFlags", 80L);       // LaunchDarkly, served from its edge: the fastest
        millis.put("errorBudget", 300L);       // the SLO service
        millis.put("relatedTickets", 350L);    // a Jira JQL search
        millis.put("slackThread", 200L);       // Slack conversations.history
        millis.put("runbook", 450L);           // a Confluence page with its body
        millis.put("postSlackSummary", 150L);  // Slack chat.postMessage
        return Map.copyOf(millis);
    }
}
