package io.github.parallel4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.schedule.CallRunner;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The one fan-out to every observer and listener; what it passes on (plan, call, report) it never reads. */
class TurnObserversTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private TurnObserver recording(String name) {
        return new TurnObserver() {
            @Override
            public TurnScope turnStarted(java.util.UUID invocationId, io.github.parallel4j.plan.Plan plan) {
                events.add(name + " turn");
                return new TurnScope() {
                    @Override
                    public CallScope callStarted(io.github.parallel4j.plan.PlannedCall call) {
                        events.add(name + " call");
                        return error -> events.add(name + " ended " + (error == null ? "ok" : error.getMessage()));
                    }

                    @Override
                    public void turnFinished(io.github.parallel4j.TurnReport report) {
                        events.add(name + " finished");
                    }
                };
            }

            @Override
            public void observationTruncated(io.github.parallel4j.plan.PlannedCall call, int full, int kept) {
                events.add(name + " truncated " + full + "/" + kept);
            }
        };
    }

    private static TurnObserver broken() {
        return new TurnObserver() {
            @Override
            public TurnScope turnStarted(java.util.UUID invocationId, io.github.parallel4j.plan.Plan plan) {
                return new TurnScope() {
                    @Override
                    public CallScope callStarted(io.github.parallel4j.plan.PlannedCall call) {
                        return error -> {
                            throw new IllegalStateException("broken call end");
                        };
                    }

                    @Override
                    public void turnFinished(io.github.parallel4j.TurnReport report) {
                        throw new IllegalStateException("broken finish");
                    }
                };
            }

            @Override
            public void observationTruncated(io.github.parallel4j.plan.PlannedCall call, int full, int kept) {
                throw new IllegalStateException("broken truncation");
            }
        };
    }

    @Test
    void should_end_call_scopes_in_reverse_order_and_tell_listeners_last_when_an_observer_throws() throws Exception {
        TurnListener listener = report -> events.add("listener");
        TurnObservers observers = new TurnObservers(List.of(recording("first"), broken(), recording("second")),
                List.of(listener));

        TurnObserver.TurnScope turn = observers.turnStarted(null, null);
        CallRunner calls = TurnObservers.around((call, arguments) -> {
            events.add("tool");
            return null;
        }, turn);
        calls.run(null, null);
        observers.observationTruncated(null, 900, 300);
        turn.turnFinished(null);

        assertThat(events).containsExactly("first turn", "second turn", "first call", "second call", "tool",
                "second ended ok", "first ended ok", "first truncated 900/300", "second truncated 900/300",
                "first finished", "second finished", "listener");
    }

    @Test
    void should_end_every_call_scope_with_the_tools_error_and_rethrow_it_when_the_tool_throws() {
        TurnObservers observers = new TurnObservers(List.of(recording("only")), List.of());
        CallRunner calls = TurnObservers.around((call, arguments) -> {
            throw new IllegalArgumentException("tool failed");
        }, observers.turnStarted(null, null));

        assertThatThrownBy(() -> calls.run(null, null)).hasMessage("tool failed");
        assertThat(events).containsExactly("only turn", "only call", "only ended tool failed");
    }

    @Test
    void should_follow_no_turn_when_there_are_neither_observers_nor_listeners() {
        TurnObservers observers = new TurnObservers(List.of(), List.of());
        CallRunner calls = (call, arguments) -> null;

        assertThat(observers.turnStarted(null, null)).isNull();
        assertThat(TurnObservers.around(calls, null)).isSameAs(calls);
    }
}
