package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnObserver.TurnScope;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.internal.observe.ObservationLimits;
import io.github.parallel4j.internal.observe.TurnReports;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.schedule.CallRunner;
import io.github.parallel4j.internal.schedule.ToolOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link TurnObserver} and {@link TurnListener} of a {@code ParallelTools} as one observer: each is told in
 * the order it was given, a call's scopes end in the reverse order they opened, and one that throws is logged and
 * skipped, so that neither the turn nor the others notice. The listeners are told when the turn finishes, after
 * the observers. The stages' plan and calls reach observers as the public {@link TurnObserver.Turn} and
 * {@link TurnObserver.Call} records, made once per turn and shared by every observer.
 */
final class TurnObservers implements ObservationLimits.Truncations {

    private static final Logger log = LoggerFactory.getLogger(TurnObservers.class);

    private final List<TurnObserver> observers;
    private final List<TurnListener> listeners;

    TurnObservers(List<TurnObserver> observers, List<TurnListener> listeners) {
        this.observers = List.copyOf(observers);
        this.listeners = List.copyOf(listeners);
    }

    /**
     * @param invocationId the AI service invocation, or null when unknown
     * @param plan the turn's plan
     * @return the composite scope of the turn, or null when nobody follows turns
     */
    TurnScope turnStarted(UUID invocationId, Plan plan) {
        if (observers.isEmpty() && listeners.isEmpty()) {
            return null;
        }
        TurnObserver.Turn started = TurnReports.started(invocationId, plan);
        List<TurnScope> scopes = new ArrayList<>(observers.size());
        for (TurnObserver observer : observers) {
            try {
                if (observer instanceof PlanObserver planObserver) {
                    planObserver.planned(plan);
                }
                TurnScope scope = observer.turnStarted(started);
                if (scope != null) {
                    scopes.add(scope);
                }
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the turn itself is unaffected", e);
            }
        }
        return new ObservedTurn(started.calls(), scopes, listeners);
    }

    @Override
    public void observationTruncated(PlannedCall call, int fullChars, int keptChars) {
        if (observers.isEmpty()) {
            return;
        }
        TurnObserver.Call observed = TurnReports.planned(call);
        for (TurnObserver observer : observers) {
            try {
                observer.observationTruncated(observed, fullChars, keptChars);
            } catch (RuntimeException e) {
                log.warn("A turn observer failed; the observation is unaffected", e);
            }
        }
    }

    /**
     * Opens the turn's call scopes around each attempt of a call, on the thread that runs it.
     *
     * @param calls runs the tools
     * @param turn the turn's scope, or null when nobody follows turns
     * @return the runner to give the scheduler
     */
    static CallRunner around(CallRunner calls, TurnScope turn) {
        if (!(turn instanceof ObservedTurn observed) || observed.scopes.isEmpty()) {
            return calls;
        }
        return new CallRunner() {
            @Override
            public Optional<ToolOutput> cached(PlannedCall call, JsonNode arguments) {
                return calls.cached(call, arguments);
            }

            @Override
            public ToolOutput run(PlannedCall call, JsonNode arguments) throws Exception {
                TurnObserver.CallScope scope = observed.callStarted(observed.call(call));
                Throwable error = null;
                try {
                    return calls.run(call, arguments);
                } catch (Exception | Error e) {
                    error = e;
                    throw e;
                } finally {
                    scope.callEnded(error);
                }
            }
        };
    }

    /**
     * One turn, as every observer and listener follows it.
     *
     * @param calls the turn's calls as observers see them, by their index in the plan
     */
    private record ObservedTurn(List<TurnObserver.Call> calls, List<TurnScope> scopes, List<TurnListener> listeners)
            implements TurnScope {

        /** @return the planned call as observers see it */
        TurnObserver.Call call(PlannedCall call) {
            int index = call.index();
            return index < calls.size() && calls.get(index).id().equals(call.id())
                    ? calls.get(index)
                    : TurnReports.planned(call);
        }

        @Override
        public TurnObserver.CallScope callStarted(TurnObserver.Call call) {
            List<TurnObserver.CallScope> opened = new ArrayList<>(scopes.size());
            for (TurnScope turn : scopes) {
                try {
                    TurnObserver.CallScope scope = turn.callStarted(call);
                    if (scope != null) {
                        opened.add(scope);
                    }
                } catch (RuntimeException e) {
                    log.warn("A turn observer failed; the call itself is unaffected", e);
                }
            }
            return error -> {
                for (int k = opened.size() - 1; k >= 0; k--) {
                    try {
                        opened.get(k).callEnded(error);
                    } catch (RuntimeException e) {
                        log.warn("A turn observer failed; the call itself is unaffected", e);
                    }
                }
            };
        }

        @Override
        public void turnFinished(TurnReport report) {
            for (TurnScope scope : scopes) {
                try {
                    scope.turnFinished(report);
                } catch (RuntimeException e) {
                    log.warn("A turn observer failed; the turn itself is unaffected", e);
                }
            }
            for (TurnListener listener : listeners) {
                try {
                    listener.onTurnFinished(report);
                } catch (RuntimeException e) {
                    log.warn("A turn listener failed; the turn itself is unaffected", e);
                }
            }
        }
    }
}
