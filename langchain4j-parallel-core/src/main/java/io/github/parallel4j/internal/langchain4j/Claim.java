package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.schedule.TurnRun;

/**
 * A call's place in a running turn of its invocation ({@link InvocationState}); {@code batch} is null for a call that
 * runs alone, {@code run} is null for a call refused because the invocation had failed ({@code refusal} says why).
 */
record Claim(TurnRun run, int index, TurnShares batch, String refusal) {
    static Claim refused(String why) {
        return new Claim(null, -1, null, why);
    }
}
