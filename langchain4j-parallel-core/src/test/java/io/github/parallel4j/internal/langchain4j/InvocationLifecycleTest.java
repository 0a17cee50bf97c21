package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.CallLog;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The state kept per invocation goes away when the invocation ends, however it ends. */
class InvocationLifecycleTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool
        @ParallelSafe
        String echo(String text) {
            return text;
        }
    }

    @Test
    void should_keep_no_state_after_invocations_complete_or_fail() {
        ParallelTools parallel = ParallelTools.builder().build();
        for (int i = 0; i < 50; i++) {
            ScriptedChatModel model = ScriptedChatModel.callsThenSummary(
                    List.of(call("c1", "echo", "{\"text\":\"a\"}"), call("c2", "echo", "{\"text\":\"b\"}")));
            parallel.install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        }
        assertThat(parallel.invocationsInFlight()).isZero();

        ScriptedChatModel failing = new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("c1", "echo", "{\"text\":\"a\"}"))),
                request -> {
                    throw new IllegalStateException("model down");
                });
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), new Tools()).chatModel(failing).build();
        assertThatThrownBy(() -> assistant.chat("go")).hasMessageContaining("model down");
        assertThat(parallel.invocationsInFlight()).isZero();
    }

    /** An exclusive write that ignores its budget's interrupt until the test lets it go. */
    static class Stubborn {
        final CallLog log = new CallLog();
        final CountDownLatch release = new CountDownLatch(1);

        @Tool
        @Writes
        String post(String text) {
            return log.record("post", text, () -> {
                while (true) {
                    try {
                        if (release.await(10, TimeUnit.SECONDS)) {
                            return "posted late";
                        }
                    } catch (InterruptedException ignored) {
                        // ignores the interrupt on purpose
                    }
                }
            });
        }

        @Tool
        @ParallelSafe
        String lookup(String id) {
            return log.record("lookup", id, () -> "found " + id);
        }
    }

    @Test
    void should_keep_a_write_that_outlived_its_turn_alone_in_its_invocation_until_it_returns() throws Exception {
        Stubborn tools = new Stubborn();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofMillis(200)).build();
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("c1", "post", "{\"text\":\"x\"}"))),
                request -> AiMessage.from(List.of(call("c2", "lookup", "{\"id\":\"1\"}"))),
                request -> AiMessage.from("done"));
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build();

        try {
            assertThat(assistant.chat("go")).isEqualTo("done");
            assertThat(parallel.invocationsInFlight()).as("the abandoned write keeps its invocation's state").isOne();
        } finally {
            tools.release.countDown();
        }

        assertThat(model.observations().get(0).get("error_code").asText()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(model.observations().get(1).get("error_code").asText()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(tools.log.count("lookup")).as("a later call of the invocation ran inside the exclusive write")
                .isZero();
        StreamingLifecycleTest.awaitNoInvocationState(parallel);
    }

    @Test
    void should_keep_no_state_when_the_model_throws_an_error_that_langchain4j_reports_to_nobody() {
        ParallelTools parallel = ParallelTools.builder().build();
        ScriptedChatModel overflowing = new ScriptedChatModel(
                request -> AiMessage.from(List.of(call("c1", "echo", "{\"text\":\"a\"}"),
                        call("c2", "echo", "{\"text\":\"b\"}"))),
                request -> {
                    throw new StackOverflowError(); // an Error: LangChain4j fires no error event for it
                });
        Assistant assistant = parallel.install(AiServices.builder(Assistant.class), new Tools())
                .chatModel(overflowing).build();

        assertThatThrownBy(() -> assistant.chat("go")).isInstanceOf(StackOverflowError.class);

        assertThat(parallel.invocationsInFlight()).as("state left behind by the failed invocation").isZero();
    }
}
