package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
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
import java.time.Duration;
import io.github.parallel4j.internal.schedule.CapturedContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a call of a streamed message finds its batch when the message completed around the time the call reached the
 * library: the message's completion and its capture are two steps, and a call may come between them.
 */
class StreamedCaptureTest {

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    static class Tools {
        @Tool
        String read(String what) {
            return what;
        }
    }

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final TurnScheduler scheduler = new TurnScheduler(pool, new ResourceLocks(), CallGate.OPEN, Ticker.system(),
            timer, List.of());
    private final Planner planner = new Planner(64, Map.of("read", ToolPolicy.read())::get,
            Planner.UnknownTools.BARRIER, true);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    private StreamedBatch batch(StreamedMessage message) {
        return new StreamedBatch(planner.open(), message, "read"::equals, (empty, b) -> scheduler.open(empty,
                (call, arguments) -> new ToolOutput(JsonNodeFactory.instance.objectNode().put("id", call.id()), null),
                new TurnOptions(null, null), scheduler.capture()));
    }

    @Test
    void should_join_the_streamed_batch_when_the_message_completed_after_the_call_looked_and_before_anyone_captured_it()
            throws Exception {
        ToolExecutionRequest first = ScriptedChatModel.call("call_1", "read", "{\"what\":\"a\"}");
        ToolExecutionRequest second = ScriptedChatModel.call("call_2", "read", "{\"what\":\"$call_1.id\"}");
        StreamedMessage message = new StreamedMessage(Set.of("read"));
        message.announce(first);
        message.announce(second);
        InvocationState state = new InvocationState(s -> {});
        AtomicReference<StreamedBatch> opened = new AtomicReference<>();
        Supplier<StreamedBatch> open = () -> {
            opened.set(batch(message));
            return opened.get();
        };
        Supplier<Claim> alone = () -> state.claim(first, b -> {
            throw new AssertionError("no whole batch of this message exists");
        }, () -> {
            throw new AssertionError("the call ran alone");
        });
        // The stream completes the message after the call's executor looked (not complete yet) and before the
        // response listener (or the call itself) captured it: the call decides in exactly that window.
        message.complete(List.of(first, second));

        Claim claim = state.joinStreamed(first, message, open, alone);
        boolean whole = state.messageComplete(List.of(first, second), CapturedContext.NONE, Set.of(), Set.of(0, 1), true,
                List.of(first, second), Map.of(), message);
        Claim next = state.joinStreamed(second, message, open, alone);

        assertThat(claim.batch()).as("in the message's streamed batch").isSameAs(opened.get());
        assertThat(whole).as("the capture closed that batch rather than making a whole batch of the message")
                .isFalse();
        assertThat(next.batch()).isSameAs(opened.get());
        assertThat(next.index()).isEqualTo(1);
        assertThat(next.run().outcome(1).get(10, TimeUnit.SECONDS).ok())
                .as("the reference was filled from the call before it, in the same turn").isTrue();
    }

    @Test
    void should_keep_the_unknown_tool_barrier_and_the_streams_context_when_a_call_captures_its_complete_message() {
        Tools tools = new Tools();
        AiServices<StreamingAssistant> builder = AiServices.builder(StreamingAssistant.class)
                .streamingChatModel(new GappedStreamingModel()).executeToolsConcurrently().tools(tools);
        Invocations invocations = new Invocations(Duration.ofMinutes(30), Ticker.system()::read);
        StreamedMessages messages = new StreamedMessages(scheduler::capture, id -> {});
        BatchCapture capture = new BatchCapture(invocations, scheduler, "read"::equals, AiServiceConfig.of(builder),
                messages);
        ToolExecutionRequest ghost = ScriptedChatModel.call("call_1", "ghost", "{}");
        ToolExecutionRequest read = ScriptedChatModel.call("call_2", "read", "{\"what\":\"b\"}");
        StreamedMessage message = new StreamedMessage(Set.of("read"));
        CapturedContext streamContext = CapturedContext.of(List.of(() -> () -> {}));
        message.context(() -> streamContext); // as the stream's thread captured it
        message.complete(List.of(ghost, read));
        InvocationContext context = InvocationContext.builder().invocationId(UUID.randomUUID()).build();

        capture.streamedComplete(context, message); // no listener heard the message: the call captures it
        InvocationState state = invocations.enter(context.invocationId());
        AtomicReference<Batch> planned = new AtomicReference<>();
        assertThatThrownBy(() -> state.claim(read, b -> {
            planned.set(b);
            throw new IllegalStateException("planned");
        }, () -> {
            throw new AssertionError("the call ran alone");
        })).hasMessage("planned");
        invocations.leave(context.invocationId(), state);

        assertThat(planned.get().unknownToLangChain4j).as("the call to a tool nobody has is a barrier")
                .containsExactly(0);
        assertThat(planned.get().context).as("the context of the thread that received the message")
                .isEqualTo(streamContext);
    }
}
