package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.CallRunner;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The one fan-out to every observer and listener; what it passes on (the turn, its calls, the report) it never reads. */
class TurnObserversTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Plan plan = new Planner(8, name -> ToolPolicy.read(), Planner.UnknownTools.BARRIER)
            .plan(List.of(new CallRequest("c1", "lookup", "{}")));
    private final PlannedCall call = plan.calls().get(0);

    private TurnObserver recording(String name) {
        return new TurnObserver() {
            @Override
            public TurnScope turnStarted(Turn turn) {
                events.add(name + " turn");
                return new TurnScope() {
                    @Override
                    public CallScope callStarted(Call call) {
                        events.add(name + " call");
                        return error -> events.add(name + " ended " + (error == null ? "ok" : error.getMessage()));
                    }

                    @Override
                    public void turnFinished(TurnReport report) {
                        events.add(name + " finished");
                    }
                };
            }

            @Override
            public void observationTruncated(Call call, int full, int kept) {
                events.add(name + " truncated " + full + "/" + kept);
            }
        };
    }

    private static TurnObserver broken() {
        return new TurnObserver() {
            @Override
            public TurnScope turnStarted(Turn turn) {
                return new TurnScope() {
                    @Override
                    public CallScope callStarted(Call call) {
                        return error -> {
                            throw new IllegalStateException("broken call end");
                        };
                    }

                    @Override
                    public void turnFinished(TurnReport report) {
                        throw new IllegalStateException("broken finish");
                    }
                };
            }

            @Override
            public void observationTruncated(Call call, int full, int kept) {
                throw new IllegalStateException("broken truncation");
            }
        };
    }

    @Test
    void should_end_call_scopes_in_reverse_order_and_tell_listeners_last_when_an_observer_throws() throws Exception {
        TurnListener listener = report -> events.add("listener");
        TurnObservers observers = new TurnObservers(List.of(recording("first"), broken(), recording("second")),
                List.of(listener));

        TurnObserver.TurnScope turn = observers.turnStarted(null, plan);
        CallRunner calls = TurnObservers.around((call, arguments) -> {
            events.add("tool");
            return null;
        }, turn);
        calls.run(call, null);
        observers.observationTruncated(call, 900, 300);
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
        }, observers.turnStarted(null, plan));

        assertThatThrownBy(() -> calls.run(call, null)).hasMessage("tool failed");
        assertThat(events).containsExactly("only turn", "only call", "only ended tool failed");
    }

    @Test
    void should_follow_no_turn_when_there_are_neither_observers_nor_listeners() {
        TurnObservers observers = new TurnObservers(List.of(), List.of());
        CallRunner calls = (call, arguments) -> null;

        assertThat(observers.turnStarted(null, plan)).isNull();
        assertThat(TurnObservers.around(calls, null)).isSameAs(calls);
    }
}
