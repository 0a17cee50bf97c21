/**
 * harbor-triage: an on-call triage assistant whose eight integrations are read in safe parallel, run side by side
 * with LangChain4j's default. Start at {@link io.github.parallel4j.samples.harbor.HarborTriage}; the tools are in
 * {@link io.github.parallel4j.samples.harbor.TriageTools}, the offline model in
 * {@link io.github.parallel4j.samples.harbor.ScriptedTriageModel}.
 */
package io.github.parallel4j.samples.harbor;
