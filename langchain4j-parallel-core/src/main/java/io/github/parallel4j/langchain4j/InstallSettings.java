package io.github.parallel4j.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import io.github.parallel4j.ToolErrorHandling;
import io.github.parallel4j.observe.ObservationWriter;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.schedule.TurnScheduler;
import java.time.Duration;
import java.util.Map;

/**
 * What an {@link Installation} needs from {@code ParallelTools}. Internal: not part of the public API.
 *
 * @param policies policies given by tool name; they win over annotations
 * @param defaultPolicy the policy of a tool that says nothing
 * @param maxBatchSize the most calls one message may hold
 * @param turnTimeout the budget of a turn, or null for none
 * @param errorHandling who turns tool exceptions into what the model sees
 * @param scheduler runs turns
 * @param writer writes observations
 * @param idleInvocationExpiry how long an invocation's state is kept without use, should its end never be
 *     reported
 * @param maxConcurrentPerTurn the most calls of one turn that may run at once, 0 for no cap
 * @param maxRetriesPerTurn the most retries one turn may make
 * @param rateLimitRetries the most times one call is run again after an upstream 429
 * @param maxRetryAfter the longest retry-after of an upstream that is honoured
 * @param rateLimitKey the key of per-key rate limits for an invocation
 * @param format what tool results look like to the model
 * @param maxObservationChars the most characters of one observation, 0 for no limit
 * @param maxTurnObservationChars the most characters of one turn's observations together, 0 for no limit
 * @param toolObservationChars per-tool limits of one observation (0: never cut), overriding the default
 * @param deduplicateReads whether identical reads of one batch run once
 * @param describeScheduling whether each tool's description says how it may be scheduled
 * @param kept where cut results are kept for the model to read back, or null for not at all
 * @param readCache the cache of reads marked cacheable, shared by every installation of a {@code ParallelTools}
 * @param shareCachedReads whether cached reads are shared by every conversation
 * @param maxObservationTokens the most tokens of one observation, 0 for no token limit
 * @param tokenCounter counts tokens for {@code maxObservationTokens}, or null
 * @param turnListeners told about every finished turn
 * @param turnObservers follow turns and calls as they run
 */
public record InstallSettings(
        Map<String, ToolPolicy> policies,
        ToolPolicy defaultPolicy,
        int maxBatchSize,
        Duration turnTimeout,
        ToolErrorHandling errorHandling,
        TurnScheduler scheduler,
        ObservationWriter writer,
        Duration idleInvocationExpiry,
        int maxConcurrentPerTurn,
        int maxRetriesPerTurn,
        int rateLimitRetries,
        Duration maxRetryAfter,
        java.util.function.Function<InvocationContext, Object> rateLimitKey,
        io.github.parallel4j.ObservationFormat format,
        int maxObservationChars,
        int maxTurnObservationChars,
        Map<String, Integer> toolObservationChars,
        boolean deduplicateReads,
        boolean describeScheduling,
        io.github.parallel4j.observe.KeptResults kept,
        ReadCache readCache,
        boolean shareCachedReads,
        int maxObservationTokens,
        dev.langchain4j.model.TokenCountEstimator tokenCounter,
        java.util.List<io.github.parallel4j.TurnListener> turnListeners,
        java.util.List<io.github.parallel4j.TurnObserver> turnObservers) {}
