package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A slow turn listener of one ParallelTools delays nothing but itself: not another instance's budget. */
class SlowListenerTest {

    interface Assistant {
        String chat(String message);
    }

    /** A tool that runs until its turn's budget interrupts it. */
    static class Waits {
        @Tool @ParallelSafe
        public String waitForever(String x) throws InterruptedException {
            new CountDownLatch(1).await();
            return "never";
        }
    }

    private static Assistant assistant(ParallelTools parallel, ScriptedChatModel model) {
        return parallel.install(AiServices.builder(Assistant.class), new Waits()).chatModel(model).build();
    }

    private static ScriptedChatModel oneCall() {
        return ScriptedChatModel.callsThenSummary(List.of(ScriptedChatModel.call("c1", "waitForever", "{\"x\":\"1\"}")));
    }

    @Test
    void should_end_another_instances_turn_on_its_budget_while_a_listener_blocks() throws Exception {
        CountDownLatch listening = new CountDownLatch(1);
        CountDownLatch letListenerGo = new CountDownLatch(1);
        ParallelTools slow = ParallelTools.builder().turnTimeout(Duration.ofMillis(50))
                .turnListener(report -> {
                    listening.countDown();
                    try {
                        letListenerGo.await(); // a blocking exporter
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).build();
        ParallelTools other = ParallelTools.builder().turnTimeout(Duration.ofMillis(200)).build();
        ScriptedChatModel slowModel = oneCall();
        ScriptedChatModel otherModel = oneCall();
        // Threads of the test's own: a listener may run on the thread that called the AI service, and a blocked
        // common-pool worker would starve the second conversation's task, which is not what this test is about.
        ExecutorService conversations = Executors.newCachedThreadPool();
        try {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> assistant(slow, slowModel).chat("go"),
                    conversations);
            assertThat(listening.await(10, TimeUnit.SECONDS)).as("the first turn ended on its budget").isTrue();

            CompletableFuture<String> second = CompletableFuture.supplyAsync(
                    () -> assistant(other, otherModel).chat("go"), conversations);

            assertThat(second.get(10, TimeUnit.SECONDS)).as("answered while the other instance's listener blocks")
                    .isNotNull();
            assertThat(otherModel.observations().get(0).get("error_code").asText()).isEqualTo("BUDGET_EXCEEDED");
            assertThat(letListenerGo.getCount()).isOne();
            letListenerGo.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isNotNull();
        } finally {
            letListenerGo.countDown();
            conversations.shutdownNow();
        }
    }
}
