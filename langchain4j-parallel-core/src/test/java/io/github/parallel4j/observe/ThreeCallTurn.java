package io.github.parallel4j.observe;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A finished turn of two overlapping reads and an exclusive write after them, for timeline tests. */
final class ThreeCallTurn {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool @ParallelSafe String a(String x) throws InterruptedException { Thread.sleep(150); return x; }
        @Tool @ParallelSafe String b(String x) throws InterruptedException { Thread.sleep(150); return x; }
        @Tool @Writes String post(String x) throws InterruptedException { Thread.sleep(80); return x; }
    }

    private ThreeCallTurn() {}

    /** Runs the turn through AiServices, with {@code first} registered before the listener that captures it. */
    static TurnReport run(TurnListener first) throws Exception {
        CompletableFuture<TurnReport> reported = new CompletableFuture<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "a", "{\"x\":\"1\"}"), call("c2", "b", "{\"x\":\"2\"}"), call("c3", "post", "{\"x\":\"3\"}")));
        ParallelTools.builder().turnListener(first).turnListener(reported::complete).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest())).allSatisfy(t -> assertThat(t).contains("\"ok\":true"));
        return reported.get(10, TimeUnit.SECONDS);
    }
}
