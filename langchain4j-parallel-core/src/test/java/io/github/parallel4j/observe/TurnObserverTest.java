package io.github.parallel4j.observe;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TurnObserverTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final Map<String, Thread> ranOn = new ConcurrentHashMap<>();
        final CountDownLatch bothRunning = new CountDownLatch(2);

        @Tool @ParallelSafe String a(String x) throws InterruptedException {
            ranOn.put("a", Thread.currentThread());
            bothRunning.countDown();
            bothRunning.await(5, TimeUnit.SECONDS);
            return x;
        }

        @Tool @ParallelSafe String b(String x) throws InterruptedException {
            ranOn.put("b", Thread.currentThread());
            bothRunning.countDown();
            bothRunning.await(5, TimeUnit.SECONDS);
            return x.repeat(400);
        }

        @Tool @ParallelSafe String broken(String x) {
            ranOn.put("broken", Thread.currentThread());
            throw new IllegalStateException("down");
        }
    }

    /** Records what it is told, and on which thread. */
    static class Recorder implements TurnObserver {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, Thread> startedOn = new ConcurrentHashMap<>();
        final Map<String, Thread> endedOn = new ConcurrentHashMap<>();
        final Map<String, Throwable> errors = new ConcurrentHashMap<>();
        final AtomicReference<Thread> turnStartedOn = new AtomicReference<>();
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicReference<TurnReport> report = new AtomicReference<>();

        @Override
        public TurnScope turnStarted(Turn turn) {
            turnStartedOn.set(Thread.currentThread());
            events.add("turn " + turn.calls().size());
            return new TurnScope() {
                @Override
                public CallScope callStarted(Call call) {
                    startedOn.put(call.tool(), Thread.currentThread());
                    return error -> {
                        endedOn.put(call.tool(), Thread.currentThread());
                        if (error != null) {
                            errors.put(call.tool(), error);
                        }
                    };
                }

                @Override
                public void turnFinished(TurnReport finishedReport) {
                    report.set(finishedReport);
                    finished.countDown();
                }
            };
        }

        @Override
        public void observationTruncated(Call call, int fullChars, int keptChars) {
            events.add("truncated " + call.tool() + " " + (fullChars > keptChars));
        }
    }

    @Test
    void should_follow_the_turn_and_each_call_on_the_tools_thread_when_observing() throws Exception {
        Tools tools = new Tools();
        Recorder recorder = new Recorder();
        TurnObserver failing = turn -> {
            throw new IllegalStateException("a broken observer must not break the turn");
        };
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "a", "{\"x\":\"1\"}"), call("c2", "b", "{\"x\":\"2\"}"), call("c3", "broken", "{\"x\":\"3\"}")));
        ParallelTools.builder().turnObserver(failing).turnObserver(recorder).maxObservationChars(300).build()
                .install(AiServices.builder(Assistant.class), tools).chatModel(model).build().chat("go");

        assertThat(recorder.finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.turnStartedOn.get()).isSameAs(Thread.currentThread());
        assertThat(recorder.startedOn).containsOnlyKeys("a", "b", "broken");
        for (String tool : List.of("a", "b", "broken")) {
            assertThat(recorder.startedOn.get(tool)).as(tool).isSameAs(tools.ranOn.get(tool));
            assertThat(recorder.endedOn.get(tool)).as(tool).isSameAs(tools.ranOn.get(tool));
        }
        assertThat(recorder.errors).containsOnlyKeys("broken");
        assertThat(recorder.report.get().calls()).hasSize(3);
        assertThat(recorder.report.get().maxOverlap()).isGreaterThanOrEqualTo(2);
        assertThat(recorder.events).contains("turn 3", "truncated b true");
        assertThat(recorder.events).noneMatch(e -> e.startsWith("truncated a") || e.startsWith("truncated broken"));
        List<String> results = ScriptedChatModel.toolResults(model.lastRequest());
        assertThat(results.get(0)).contains("\"ok\":true");
        assertThat(results.get(2)).contains("\"error_code\":\"TOOL_ERROR\"");
    }
}
