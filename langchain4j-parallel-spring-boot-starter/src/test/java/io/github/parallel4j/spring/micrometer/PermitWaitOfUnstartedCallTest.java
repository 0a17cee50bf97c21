package io.github.parallel4j.spring.micrometer;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.CallReport;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call its turn's budget ends while it waits for a slot never starts, and still counts in
 * {@code parallel.tools.permit.wait}, tagged with the same step as {@link CallReport#heldBy()}.
 */
class PermitWaitOfUnstartedCallTest {

    interface Assistant {
        String chat(String message);
    }

    static class Tools {
        final CountDownLatch never = new CountDownLatch(1);

        @Tool @ParallelSafe @Integration("scarce")
        public String scarce(String x) throws InterruptedException {
            never.await(10, TimeUnit.SECONDS); // holds the only slot until the budget interrupts it
            return "late";
        }
    }

    @Test
    void should_time_the_wait_tagged_as_its_report_says_when_a_call_never_started() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        CompletableFuture<TurnReport> reported = new CompletableFuture<>();
        ParallelTools.builder()
                .turnTimeout(Duration.ofMillis(300))
                .integration("scarce", IntegrationLimits.builder().maxConcurrent(1).build())
                .turnObserver(new MicrometerTurnObserver(ObservationRegistry.NOOP, meters))
                .turnListener(reported::complete)
                .build()
                .install(AiServices.builder(Assistant.class), new Tools())
                .chatModel(ScriptedChatModel.callsThenSummary(List.of(call("c1", "scarce", "{\"x\":\"1\"}"),
                        call("c2", "scarce", "{\"x\":\"2\"}"))))
                .build()
                .chat("go");
        CallReport queued = reported.get(10, TimeUnit.SECONDS).calls().stream().filter(c -> !c.started())
                .findFirst().orElseThrow();

        assertThat(queued.heldBy()).isEqualTo(CallReport.HeldBy.INTEGRATION_CAP);
        Timer waited = meters.get("parallel.tools.permit.wait").tag("tool", "scarce")
                .tag("held_by", "integration_cap").timer();
        assertThat(waited.count()).isEqualTo(1);
        assertThat(waited.totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo((double) (queued.endNanos() - queued.readyNanos()));
    }
}
