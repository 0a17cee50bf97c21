package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.StreamedTurn;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.internal.schedule.TurnOptions;
import io.github.parallel4j.internal.schedule.TurnScheduler;
import io.github.parallel4j.policy.ToolPolicy;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One streamed message's batch, on its own: the model's order, and no user code run while its monitor is held. */
class StreamedBatchTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final TurnScheduler scheduler = new TurnScheduler(pool, new ResourceLocks(), CallGate.OPEN, Ticker.system(),
            timer, List.of());
    private final Planner planner = new Planner(64, Map.of("read", ToolPolicy.read())::get,
            Planner.UnknownTools.BARRIER, true);
    private final AtomicReference<StreamedTurn> turn = new AtomicReference<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    private StreamedBatch batch(StreamedMessage message) {
        return new StreamedBatch(planner.open(), message, name -> true, (empty, b) -> {
            StreamedTurn run = scheduler.open(empty, (call, arguments) -> new ToolOutput(
                    JsonNodeFactory.instance.objectNode().put("id", call.id()), null), new TurnOptions(null, null),
                    scheduler.capture());
            turn.set(run);
            return run;
        });
    }

    @Test
    void should_let_a_late_executor_find_its_place_while_a_turn_listener_runs_on_the_closing_thread()
            throws Exception {
        ToolExecutionRequest first = ScriptedChatModel.call("call_1", "read", "{\"x\":1}");
        ToolExecutionRequest second = ScriptedChatModel.call("call_2", "read", "{\"x\":2}");
        StreamedMessage message = new StreamedMessage();
        message.announce(first);
        message.announce(second);
        StreamedBatch batch = batch(message);

        // The second call reaches the library first: the first is added before it, in the model's order.
        assertThat(batch.join(second).index()).isEqualTo(1);
        turn.get().outcome(0).get(5, TimeUnit.SECONDS);
        turn.get().outcome(1).get(5, TimeUnit.SECONDS);
        // Every call is done, so sealing the turn ends it, and its listener runs on the closing thread. Meanwhile the
        // first call's own executor comes: it must find its place without waiting for that listener.
        CompletableFuture<StreamedBatch.Joined> late = new CompletableFuture<>();
        AtomicBoolean foundWhileListening = new AtomicBoolean();
        AtomicBoolean closing = new AtomicBoolean();
        AtomicReference<Thread> listenedOn = new AtomicReference<>();
        AtomicBoolean listenedWhileClosing = new AtomicBoolean();
        turn.get().whenDone().thenRun(() -> {
            listenedOn.set(Thread.currentThread());
            listenedWhileClosing.set(closing.get());
            new Thread(() -> late.complete(batch.join(first)), "late-executor").start();
            try {
                late.get(5, TimeUnit.SECONDS);
                foundWhileListening.set(true);
            } catch (Exception e) {
                // not found while the listener ran: asserted below
            }
        });

        closing.set(true);
        batch.close(List.of(first, second), Map.of());
        closing.set(false);

        assertThat(late.get(10, TimeUnit.SECONDS).index()).isZero();
        assertThat(listenedOn.get()).as("the turn's listener ran on the closing thread").isSameAs(Thread.currentThread());
        assertThat(listenedWhileClosing).as("while the batch was closing").isTrue();
        assertThat(foundWhileListening).as("the late executor was not held up by the turn's listener").isTrue();
        assertThat(batch.expectsCalls()).isFalse();
    }

    @Test
    void should_close_and_fail_every_call_of_a_message_whose_turn_could_not_start_at_the_close() {
        ToolExecutionRequest call = ScriptedChatModel.call("call_1", "read", "{\"x\":1}");
        StreamedMessage message = new StreamedMessage();
        message.announce(call);
        StreamedBatch batch = new StreamedBatch(planner.open(), message, name -> true, (empty, b) -> {
            throw new IllegalStateException("a turn observer threw");
        });

        batch.close(List.of(call), Map.of()); // on the listener's thread: nothing may be left waiting

        assertThat(batch.closed()).isTrue();
        assertThat(batch.expectsCalls()).as("nothing waits for the message's calls").isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch.join(call))
                .as("a call coming later fails as the start did").hasRootCauseMessage("a turn observer threw");
    }
}
