package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.StreamedTurn;
import io.github.parallel4j.internal.schedule.TurnRun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Keeps a turn's report ahead of its answer: the report reaches the turn's listeners and observers before the last of
 * its results goes back to LangChain4j, so that whoever reads reports when the AI service has returned finds them.
 *
 * <p>The report is made on the thread that ended the turn's last call (on the tool executor when the budget ended
 * it, never on the shared timer). A call's thread that finds, once it has its own outcome, that every call of its
 * turn has one (and, for a streamed message, that none can join any more) waits until the report has been told
 * before it hands its result back; the others go on at once. So a slow listener delays its own turn's answer, by
 * its own time (past the turn's budget too), and no other turn. A call whose result goes back before the turn is
 * over (a streamed message that closes after its calls have ended, a call LangChain4j runs itself) does not wait:
 * that turn's report may come after the answer (see the guide's "Listeners and the timeline").
 *
 * <p>Thread-safe. A turn is held only until its report has been told.
 */
final class ToldTurns {

    /** The turns whose report has not been told yet, each with what completes once it has. */
    private final Map<TurnRun, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    /**
     * Tells the turn's report to {@code scope} once the turn is done.
     *
     * @param run the turn, before any of its calls is handed back
     * @param scope its observers and listeners
     * @param report makes its report from its outcomes
     */
    void tell(TurnRun run, TurnObserver.TurnScope scope, Function<List<CallOutcome>, TurnReport> report) {
        CompletableFuture<Void> told = new CompletableFuture<>();
        pending.put(run, told); // first: a turn already done tells at once, below, and must not stay in the map
        run.whenDone().thenAccept(outcomes -> scope.turnFinished(report.apply(outcomes)))
                .whenComplete((ignored, error) -> {
                    pending.remove(run);
                    told.complete(null);
                });
    }

    /**
     * Waits, if the turn is over, until its report has been told; returns at once otherwise, or when interrupted
     * (keeping the interrupt).
     *
     * @param run the turn of a call that has its outcome, or null for a call that did not run
     */
    void awaitIfOver(TurnRun run) {
        CompletableFuture<Void> told = run == null ? null : pending.get(run);
        if (told == null || !StreamedTurn.finished(run)) {
            return;
        }
        try {
            told.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // never: told is only ever completed normally
        }
    }
}
