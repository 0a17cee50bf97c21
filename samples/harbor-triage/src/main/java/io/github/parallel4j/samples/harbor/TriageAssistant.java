package io.github.parallel4j.samples.harbor;

import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;

/** The on-call triage assistant, as a LangChain4j AI service. */
public interface TriageAssistant {

    /**
     * Gathers everything known about an incident, posts a summary to its Slack channel, and answers.
     *
     * @param request what to triage, e.g. "Triage INC-4211"
     * @return the assistant's answer
     */
    @SystemMessage("""
            You are the on-call triage assistant for the checkout service.
            To triage an incident, first gather everything in ONE message of parallel tool calls: the incident,
            the Datadog metrics p99_latency, error_rate and saturation of its service, recent deploys, feature
            flags, the error budget, related Jira tickets, the Slack channel #inc-4211 and the runbook.
            Then post one short summary with concrete numbers to #inc-4211 with postSlackSummary.
            Then answer in two sentences: the likely cause and the next step.""")
    String triage(@UserMessage String request);
}
