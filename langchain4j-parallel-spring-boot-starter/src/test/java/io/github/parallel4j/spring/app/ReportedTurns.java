package io.github.parallel4j.spring.app;

import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnReport;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Counts finished turns. A turn's report may reach its observers after the AI service has answered (it is told on
 * the thread that ended the turn's last call), and listeners are told after every observer, so a test that reads
 * the observers' spans or meters waits here first.
 */
public class ReportedTurns implements TurnListener {

    private final Semaphore reported = new Semaphore(0);

    @Override
    public void onTurnFinished(TurnReport report) {
        reported.release();
    }

    /** Forgets the turns reported so far (before a test's own conversation). */
    public void clear() {
        reported.drainPermits();
    }

    /** @return whether a turn not yet awaited was reported within 10 seconds */
    public boolean awaitNext() throws InterruptedException {
        return reported.tryAcquire(10, TimeUnit.SECONDS);
    }
}
