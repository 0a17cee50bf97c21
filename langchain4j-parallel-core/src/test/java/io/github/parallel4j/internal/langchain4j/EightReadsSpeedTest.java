package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The yardstick: eight 300 ms reads in one turn, with and without the library, side by side. */
class EightReadsSpeedTest {

    interface Assistant {
        String chat(String message);
    }

    static class TriageTools {
        private static String slow(String what) throws InterruptedException {
            Thread.sleep(300); // simulated integration latency
            return "{\"source\":\"" + what + "\"}";
        }

        @Tool @ParallelSafe @Integration("pagerduty") String incident(String id) throws Exception { return slow("incident"); }
        @Tool @ParallelSafe @Integration("datadog") String metrics(String id) throws Exception { return slow("metrics"); }
        @Tool @ParallelSafe String deploys(String id) throws Exception { return slow("deploys"); }
        @Tool @ParallelSafe String flags(String id) throws Exception { return slow("flags"); }
        @Tool @ParallelSafe String errorBudget(String id) throws Exception { return slow("errorBudget"); }
        @Tool @ParallelSafe @Integration("jira") String tickets(String id) throws Exception { return slow("tickets"); }
        @Tool @ParallelSafe String slackThread(String id) throws Exception { return slow("slackThread"); }
        @Tool @ParallelSafe String runbook(String id) throws Exception { return slow("runbook"); }
    }

    private static List<ToolExecutionRequest> eightReads() {
        String[] tools = {"incident", "metrics", "deploys", "flags", "errorBudget", "tickets", "slackThread", "runbook"};
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int i = 0; i < tools.length; i++) {
            calls.add(ScriptedChatModel.call("call_" + (i + 1), tools[i], "{\"id\":\"INC-1\"}"));
        }
        return calls;
    }

    private static long timeTurn(AiServices<Assistant> builder, ScriptedChatModel model) {
        Assistant assistant = builder.chatModel(model).build();
        long start = System.nanoTime();
        assistant.chat("triage INC-1");
        return System.nanoTime() - start;
    }

    @Test
    void should_take_under_forty_percent_of_the_serial_turn() {
        ScriptedChatModel serialModel = ScriptedChatModel.callsThenSummary(eightReads());
        long serial = timeTurn(AiServices.builder(Assistant.class).tools(new TriageTools()), serialModel);

        ScriptedChatModel parallelModel = ScriptedChatModel.callsThenSummary(eightReads());
        long parallel = timeTurn(
                ParallelTools.builder().build().install(AiServices.builder(Assistant.class), new TriageTools()),
                parallelModel);

        assertThat(ScriptedChatModel.toolResults(parallelModel.lastRequest())).hasSize(8)
                .allSatisfy(text -> assertThat(text).contains("\"ok\":true"));
        assertThat((double) parallel / serial).as("parallel %d ms vs serial %d ms", parallel / 1_000_000,
                serial / 1_000_000).isLessThan(0.40);
    }
}
