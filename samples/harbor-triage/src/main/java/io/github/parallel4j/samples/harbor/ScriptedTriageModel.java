package io.github.parallel4j.samples.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An offline model that triages incident {@value #INCIDENT} the way a good tool-calling model would.
 *
 * <p>Through langchain4j-parallel (whose {@code describeScheduling} tells the model, in each write's description,
 * that a write runs after the calls emitted before it), two turns:
 * <ol>
 *   <li>one AI message with every read (the incident, three Datadog metrics, deploys, flags, error budget, Jira
 *       tickets, the Slack channel and the runbook: ten calls) and, last, {@code postSlackSummary}, whose text
 *       takes the reads' values by reference ({@code ${call_2.now}}): the library runs the post after the reads
 *       and fills it in, a write ordered inside one batch;
 *   <li>once the summary is posted, the final answer.
 * </ol>
 *
 * <p>With LangChain4j's default, which neither orders nor resolves references, three turns: the ten reads; then
 * {@code postSlackSummary} with the text written from their results; then the final answer. Both posts read the
 * same.
 *
 * <p>Each answer depends only on the request (the conversation so far), so one instance serves any number of
 * conversations, from any thread. It reads LangChain4j's plain tool results and langchain4j-parallel's JSON
 * envelopes alike.
 */
public final class ScriptedTriageModel implements ChatModel {

    /** The incident the script triages. */
    public static final String INCIDENT = "INC-4211";

    /** The Slack channel the summary goes to. */
    public static final String CHANNEL = "#inc-4211";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ChatResponse doChat(ChatRequest request) {
        TriageFindings findings = new TriageFindings(request.messages());
        AiMessage answer;
        if (!findings.any()) {
            List<ToolExecutionRequest> calls = reads();
            if (writesRunAfterEarlierCalls(request)) {
                calls.add(call("call_11", "postSlackSummary", Map.of("channel", CHANNEL, "text", SUMMARY_BY_REFERENCE)));
            }
            answer = AiMessage.from(calls);
        } else if (!findings.has("postSlackSummary")) {
            answer = AiMessage.from(List.of(call("call_11", "postSlackSummary",
                    Map.of("channel", CHANNEL, "text", summary(findings)))));
        } else {
            answer = AiMessage.from(finalAnswer(findings));
        }
        return ChatResponse.builder().aiMessage(answer).build();
    }

    /**
     * {@link #summary}'s text with each value a reference to the read that gives it (call ids as in {@link #reads}).
     */
    static final String SUMMARY_BY_REFERENCE = "${call_1.id} ${call_1.severity} ${call_1.service}: p99 ${call_2.now} ms"
            + " (baseline ${call_2.baseline}), errors ${call_3.now}% (baseline ${call_3.baseline}%). Suspect: deploy"
            + " ${call_5[0].sha} by ${call_5[0].by} ${call_5[0].minutes_ago} min ago (${call_5[0].change});"
            + " new-tax-engine at ${call_6.new-tax-engine.rollout_percent}% since"
            + " ${call_6.new-tax-engine.changed_minutes_ago} min. Error budget ${call_7.budget_left_percent}% left,"
            + " burning ${call_7.burn_rate_1h}x. Runbook: ${call_10.steps[1]}. Related: ${call_8[0].key}."
            + " Paged: ${call_1.paged}.";

    /** Whether the tool descriptions say a write runs after the calls emitted before it in the same message. */
    private static boolean writesRunAfterEarlierCalls(ChatRequest request) {
        return request.toolSpecifications() != null && request.toolSpecifications().stream()
                .anyMatch(t -> t.name().equals("postSlackSummary") && t.description() != null
                        && t.description().contains("after the calls emitted before it"));
    }

    /** @return the first turn: every read the triage needs, in one message */
    static List<ToolExecutionRequest> reads() {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        calls.add(call("call_1", "incident", Map.of("incidentId", INCIDENT)));
        calls.add(call("call_2", "metrics", Map.of("service", "checkout", "query", "p99_latency")));
        calls.add(call("call_3", "metrics", Map.of("service", "checkout", "query", "error_rate")));
        calls.add(call("call_4", "metrics", Map.of("service", "checkout", "query", "saturation")));
        calls.add(call("call_5", "recentDeploys", Map.of("service", "checkout")));
        calls.add(call("call_6", "featureFlags", Map.of("service", "checkout")));
        calls.add(call("call_7", "errorBudget", Map.of("service", "checkout")));
        calls.add(call("call_8", "relatedTickets", Map.of("service", "checkout")));
        calls.add(call("call_9", "slackThread", Map.of("channel", CHANNEL)));
        calls.add(call("call_10", "runbook", Map.of("service", "checkout")));
        return calls;
    }

    /**
     * The Slack summary, written from what the tools answered; a value a tool did not give reads as "?".
     *
     * @param findings the tool results so far
     * @return one paragraph
     */
    static String summary(TriageFindings findings) {
        JsonNode incident = findings.of("incident");
        JsonNode p99 = findings.metric("p99_latency");
        JsonNode errors = findings.metric("error_rate");
        JsonNode deploy = findings.of("recentDeploys").path(0);
        JsonNode flag = findings.of("featureFlags").path("new-tax-engine");
        JsonNode budget = findings.of("errorBudget");
        JsonNode runbook = findings.of("runbook").path("steps");
        JsonNode ticket = findings.of("relatedTickets").path(0);
        return String.format(
                "%s %s %s: p99 %s ms (baseline %s), errors %s%% (baseline %s%%). Suspect: deploy %s by %s %s min ago "
                        + "(%s); new-tax-engine at %s%% since %s min. Error budget %s%% left, burning %sx. "
                        + "Runbook: %s. Related: %s. Paged: %s.",
                text(incident, "id"), text(incident, "severity"), text(incident, "service"),
                text(p99, "now"), text(p99, "baseline"), text(errors, "now"), text(errors, "baseline"),
                text(deploy, "sha"), text(deploy, "by"), text(deploy, "minutes_ago"), text(deploy, "change"),
                text(flag, "rollout_percent"), text(flag, "changed_minutes_ago"),
                text(budget, "budget_left_percent"), text(budget, "burn_rate_1h"),
                runbook.path(1).asText("?"), text(ticket, "key"), text(incident, "paged"));
    }

    private static String finalAnswer(TriageFindings findings) {
        JsonNode posted = findings.of("postSlackSummary");
        JsonNode deploy = findings.of("recentDeploys").path(0);
        return "Posted the triage to " + text(posted, "channel") + " (ts " + text(posted, "ts") + "). Likely cause: "
                + "deploy " + text(deploy, "sha") + " with flag new-tax-engine at 50%. Next: turn new-tax-engine off, "
                + "then roll back " + text(deploy, "sha") + " if errors stay above 5%.";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "?" : value.asText();
    }

    private static ToolExecutionRequest call(String id, String tool, Map<String, String> arguments) {
        try {
            // a sorted copy, so the same call always has the same argument text
            String json = JSON.writeValueAsString(new java.util.TreeMap<>(arguments));
            return ToolExecutionRequest.builder().id(id).name(tool).arguments(json).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
