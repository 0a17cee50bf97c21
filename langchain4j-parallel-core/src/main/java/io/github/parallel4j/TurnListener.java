package io.github.parallel4j;

/**
 * Told about every finished turn, for traces, metrics, logs or a timeline. Called once per turn, after its last
 * call's outcome, on the thread that ended it (a tool thread, also when the budget ended the turn; never the shared
 * timer), and before the AI service gets the turn's last result back: the report is there when {@code chat()}
 * returns or the token stream completes. So a slow listener delays its own turn's answer by its own time (past the
 * turn's budget too), and not another turn's answer, except in one case: the turn ended inside another turn's step
 * on the same thread (its last call answered without running, from the read cache or refused, the moment that step
 * let go of a lock it waited for), and the other turn's calls made ready in that step start once the listener
 * returns. Keep it quick, and hand heavy work to another thread. Only a turn whose last call LangChain4j runs itself
 * (a tool the library does not wrap) may be told after the answer. An exception it throws is logged and otherwise
 * ignored.
 */
@FunctionalInterface
public interface TurnListener {

    /**
     * @param report the finished turn
     */
    void onTurnFinished(TurnReport report);
}
