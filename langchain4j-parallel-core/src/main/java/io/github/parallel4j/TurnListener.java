package io.github.parallel4j;

/**
 * Told about every finished turn, for traces, metrics, logs or a timeline. Called once per turn, after its last
 * call's outcome, on the thread that completed it: keep it quick, and hand heavy work to another thread. An
 * exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface TurnListener {

    /**
     * @param report the finished turn
     */
    void onTurnFinished(TurnReport report);
}
