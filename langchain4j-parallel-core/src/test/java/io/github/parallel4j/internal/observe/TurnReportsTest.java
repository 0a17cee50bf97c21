package io.github.parallel4j.internal.observe;

import io.github.parallel4j.observe.BrokenTurn;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a finished turn's public report says about each call, read from the plan and the outcomes. */
class TurnReportsTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        @Tool @ParallelSafe(resourceKey = "order:{id}") @Integration("orders")
        String order(String id) {
            return id;
        }

        @Tool @Writes
        String post(String text) {
            return text;
        }
    }

    private static TurnReport run(ScriptedChatModel model) throws Exception {
        CompletableFuture<TurnReport> reported = new CompletableFuture<>();
        ParallelTools.builder().turnListener(reported::complete).build()
                .install(AiServices.builder(Assistant.class), new Tools()).chatModel(model).build().chat("go");
        return reported.get(10, TimeUnit.SECONDS);
    }

    @Test
    void should_report_what_held_a_call_as_the_scheduler_recorded_it_when_it_waited_for_another() throws Exception {
        TurnReport report = run(ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "order", "{\"id\":\"7\"}"), call("c2", "post", "{\"text\":\"$c1\"}"))));

        CallReport order = report.calls().get(0);
        CallReport post = report.calls().get(1);
        assertThat(order.heldNanos()).as("nothing held the first call").isEmpty();
        assertThat(order.heldBy()).isNull();
        assertThat(post.heldNanos()).containsOnlyKeys(CallReport.HeldBy.DATA);
        assertThat(post.heldOn()).containsEntry(CallReport.HeldBy.DATA, "c1");
        assertThat(post.heldBy()).as("its predecessor is the plan's order, not a limit: in heldNanos only").isNull();
        assertThat(post.heldNanosTotal()).isPositive().isLessThanOrEqualTo(post.startNanos() - post.arrivedNanos());
    }

    @Test
    void should_report_each_calls_tool_integration_keys_wave_and_times_when_a_turn_ran() throws Exception {
        TurnReport report = run(ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "order", "{\"id\":\"7\"}"), call("c2", "post", "{\"text\":\"$c1\"}"))));

        assertThat(report.calls()).extracting(CallReport::id).containsExactly("c1", "c2");
        assertThat(report.waveCount()).isEqualTo(2);
        assertThat(report.allOk()).isTrue();
        CallReport order = report.calls().get(0);
        assertThat(order.tool()).isEqualTo("order");
        assertThat(order.providerId()).isEqualTo("c1");
        assertThat(order.arguments()).isEqualTo("{\"id\":\"7\"}");
        assertThat(order.integration()).isEqualTo("orders");
        assertThat(order.resourceKeys()).containsExactly("order:7");
        assertThat(order.exclusive()).isFalse();
        assertThat(order.wave()).isEqualTo(1);
        assertThat(order.attempts()).isEqualTo(1);
        assertThat(order.errorCode()).isNull();
        CallReport post = report.calls().get(1);
        assertThat(post.integration()).isNull();
        assertThat(post.exclusive()).isTrue();
        assertThat(post.wave()).isEqualTo(2);
        assertThat(post.readyNanos()).isGreaterThanOrEqualTo(order.endNanos());
        assertThat(post.startNanos()).isGreaterThanOrEqualTo(post.readyNanos());
        assertThat(post.waitedNanos()).isEqualTo(post.startNanos() - post.readyNanos());
        assertThat(report.durationNanos()).isEqualTo(post.endNanos());
    }

    @Test
    void should_report_the_failure_and_its_cause_when_a_call_fails_and_its_dependent_never_runs() throws Exception {
        TurnReport report = BrokenTurn.run();

        assertThat(report.allOk()).isFalse();
        CallReport failed = report.calls().get(0);
        assertThat(failed.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
        assertThat(failed.cause()).hasMessageContaining("orders backend down");
        CallReport dependent = report.calls().get(1);
        assertThat(dependent.errorCode()).isEqualTo(ErrorCode.DEPENDENCY_FAILED);
        assertThat(dependent.started()).isFalse();
        assertThat(dependent.attempts()).isZero();
        assertThat(dependent.latencyMillis()).isZero();
        assertThat(dependent.waitedNanos()).isZero();
    }

    @Test
    void should_keep_the_readers_exception_as_the_cause_when_arguments_cannot_be_read() throws Exception {
        TurnReport report = run(ScriptedChatModel.callsThenSummary(List.of(call("c1", "order", "{\"id\": "))));

        CallReport refused = report.calls().get(0);
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
        assertThat(refused.cause()).hasRootCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        assertThat(refused.wave()).isZero();
    }
}
