package io.github.parallel4j.observe;

import static io.github.parallel4j.support.ScriptedChatModel.call;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A finished turn whose first call fails, so that the call taking its output never runs. */
public final class BrokenTurn {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool @ParallelSafe String order(String id) { throw new IllegalStateException("orders backend down"); }
        @Tool @ParallelSafe String customer(String id) { return id; }
    }

    private BrokenTurn() {}

    public static TurnReport run() throws Exception {
        CompletableFuture<TurnReport> reported = new CompletableFuture<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "order", "{\"id\":\"42\"}"), call("c2", "customer", "{\"id\":\"$c1.customerId\"}")));
        ParallelTools.builder().turnListener(reported::complete).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        return reported.get(10, TimeUnit.SECONDS);
    }
}
