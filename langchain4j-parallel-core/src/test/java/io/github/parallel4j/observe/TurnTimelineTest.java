package io.github.parallel4j.observe;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TurnTimelineTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool @ParallelSafe String a(String x) throws InterruptedException { Thread.sleep(120); return x; }
        @Tool @ParallelSafe String b(String x) throws InterruptedException { Thread.sleep(120); return x; }
        @Tool @Writes String post(String x) throws InterruptedException { Thread.sleep(60); return x; }
    }

    private static TurnReport finishedTurn() throws Exception {
        CompletableFuture<TurnReport> reported = new CompletableFuture<>();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "a", "{\"x\":\"1\"}"), call("c2", "b", "{\"x\":\"2\"}"), call("c3", "post", "{\"x\":\"3\"}")));
        ParallelTools.builder()
                .turnListener(report -> {
                    throw new IllegalStateException("a broken listener must not break the turn");
                })
                .turnListener(reported::complete)
                .build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest())).allSatisfy(t -> assertThat(t).contains("\"ok\":true"));
        return reported.get(10, TimeUnit.SECONDS);
    }

    @Test
    void should_report_each_turn_and_draw_the_overlap() throws Exception {
        TurnReport report = finishedTurn();

        assertThat(report.outcomes()).hasSize(3);
        assertThat(report.invocationId()).isNotNull();
        assertThat(report.maxOverlap()).isEqualTo(2);
        String ascii = TurnTimeline.ascii(report, 60);
        List<String> rows = ascii.lines().toList();
        assertThat(rows).hasSize(3);
        Matcher first = Pattern.compile("#+").matcher(rows.get(0));
        Matcher second = Pattern.compile("#+").matcher(rows.get(1));
        Matcher third = Pattern.compile("#+").matcher(rows.get(2));
        assertThat(first.find() && second.find() && third.find()).isTrue();
        assertThat(first.start()).as("the two reads overlap").isLessThan(second.end());
        assertThat(second.start()).isLessThan(first.end());
        assertThat(third.start()).as("the write runs after both").isGreaterThanOrEqualTo(Math.max(first.end(), second.end()) - 1);
        assertThat(rows.get(2)).contains("w2").contains("ok");
    }

    @Test
    void should_render_a_self_contained_html_chart() throws Exception {
        String html = TurnTimeline.html(finishedTurn(), "Triage <turn>");

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("Triage &lt;turn&gt;")
                .doesNotContain("<script").doesNotContain("http://cdn").contains("at most 2 at once");
        assertThat(Pattern.compile("class=\"run\"").matcher(html).results().count()).isEqualTo(3);
    }
}
