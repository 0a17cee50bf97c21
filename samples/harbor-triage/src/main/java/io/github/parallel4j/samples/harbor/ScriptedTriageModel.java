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
 * An offline model that triages incident {@value #INCIDENT} the way a good tool-calling model would, in three
 * turns:
 *
 * <ol>
 *   <li>with no tool results yet, one AI message asking for every read at once: the incident, three Datadog
 *       metrics, deploys, flags, error budget, Jira tickets, the Slack channel and the runbook (ten calls);
 *   <li>with the reads' results, one call to {@code postSlackSummary} whose text is written from those results;
 *   <li>once the summary is posted, the final answer.
 * </ol>
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
            answer = AiMessage.from(reads());
        } else if (!findings.has("postSlackSummary")) {
            answer = AiMessage.from(List.of(call("call_11", "postSlackSummary",
                    Map.of("channel", CHANNEL, "text", summary(findings)))));
        } else {
            answer = AiMessage.from(finalAnswer(findings));
        }
        return ChatResponse.builder().aiMessage(answer).build();
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
