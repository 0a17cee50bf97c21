package io.github.parallel4j.spring.micrometer;

import io.github.parallel4j.CallReport;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.RateLimitedException;
import io.github.parallel4j.TurnObserver;
import io.github.parallel4j.TurnReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reports turns and calls to Micrometer.
 *
 * <p><b>Observations</b> (spans, when tracing is set up): {@code parallel.tools.turn} for each turn, a child of
 * whatever observation was current when the AI service ran it (an HTTP request, say); and
 * {@code parallel.tools.call} for each attempt of each call, a child of its turn, opened on the thread that runs
 * the tool, so the tool's own spans (HTTP clients, JDBC) nest under it and a trace shows the calls overlapping.
 *
 * <p><b>Metrics</b>, tagged {@code tool} and {@code integration} ({@code none} when the tool has none):
 * <ul>
 *   <li>{@code parallel.tools.calls} (counter, also tagged {@code outcome}: {@code ok} or the error code in lower
 *       case) — every call, whether it ran or not;</li>
 *   <li>{@code parallel.tools.call.latency} (timer) — how long calls that ran took;</li>
 *   <li>{@code parallel.tools.permit.wait} (timer, also tagged {@code held_by}: the step that held the call longest,
 *       as the scheduler recorded it — {@code key_lock}, {@code integration_cap}, {@code rate}, {@code jvm_slot}, ...
 *       ({@link CallReport.HeldBy} in lower case), or {@code none}) — from ready (its dependencies done) to running:
 *       waits for resource-key locks, concurrency slots and rate permits;</li>
 *   <li>{@code parallel.tools.throttled} (counter, tagged {@code reason}: {@code upstream_429} when the tool threw
 *       {@link RateLimitedException}, {@code no_permit} when no permit came within the budget);</li>
 *   <li>{@code parallel.tools.retried} (counter) — attempts after the first;</li>
 *   <li>{@code parallel.tools.truncated} (counter) — observations cut to fit;</li>
 *   <li>{@code parallel.tools.cancelled} (counter, tagged {@code reason}: {@code budget_exceeded},
 *       {@code timeout}, {@code cancelled});</li>
 *   <li>{@code parallel.tools.turn.fanout} and {@code parallel.tools.turn.overlap} (distribution summaries) —
 *       calls per turn, and the most that ran at once;</li>
 *   <li>{@code parallel.tools.turn.duration} (timer).</li>
 * </ul>
 */
public class MicrometerTurnObserver implements TurnObserver {

    /** The turn observation's name. */
    public static final String TURN = "parallel.tools.turn";
    /** The call observation's name. */
    public static final String CALL = "parallel.tools.call";

    private final ObservationRegistry observations;
    private final MeterRegistry meters;

    /**
     * @param observations where observations go; {@link ObservationRegistry#NOOP} for none
     * @param meters where metrics go; null for none
     */
    public MicrometerTurnObserver(ObservationRegistry observations, MeterRegistry meters) {
        this.observations = observations == null ? ObservationRegistry.NOOP : observations;
        this.meters = meters;
    }

    @Override
    public TurnScope turnStarted(Turn started) {
        Observation turn = Observation.createNotStarted(TURN, observations)
                .contextualName("tool calls")
                .highCardinalityKeyValue("invocation.id", String.valueOf(started.invocationId()))
                .highCardinalityKeyValue("calls", Integer.toString(started.calls().size()))
                .highCardinalityKeyValue("waves", Integer.toString(started.waveCount()))
                .start();
        return new TurnScope() {
            @Override
            public CallScope callStarted(Call call) {
                Observation span = Observation.createNotStarted(CALL, observations)
                        .parentObservation(turn)
                        .contextualName(call.tool())
                        .lowCardinalityKeyValue("tool", call.tool())
                        .lowCardinalityKeyValue("integration", none(call.integration()))
                        .highCardinalityKeyValue("call.id", call.id())
                        .start();
                Observation.Scope scope = span.openScope();
                return error -> {
                    scope.close();
                    if (error != null) {
                        span.error(error);
                        if (meters != null && isRateLimited(error)) {
                            counter("parallel.tools.throttled", call, "reason", "upstream_429").increment();
                        }
                    }
                    span.stop();
                };
            }

            @Override
            public void turnFinished(TurnReport report) {
                int overlap = report.maxOverlap();
                turn.highCardinalityKeyValue("max.overlap", Integer.toString(overlap));
                turn.lowCardinalityKeyValue("outcome", report.allOk() ? "ok" : "partial");
                turn.stop();
                if (meters != null) {
                    record(report, overlap);
                }
            }
        };
    }

    @Override
    public void observationTruncated(Call call, int fullChars, int keptChars) {
        if (meters != null) {
            counter("parallel.tools.truncated", call).increment();
        }
    }

    private void record(TurnReport report, int overlap) {
        DistributionSummary.builder("parallel.tools.turn.fanout").description("Tool calls per turn")
                .register(meters).record(report.calls().size());
        DistributionSummary.builder("parallel.tools.turn.overlap").description("The most calls of a turn that ran at once")
                .register(meters).record(overlap);
        Timer.builder("parallel.tools.turn.duration").register(meters)
                .record(report.durationNanos(), TimeUnit.NANOSECONDS);
        for (CallReport call : report.calls()) {
            Tags tags = tags(call.tool(), call.integration());
            String result = call.ok() ? "ok" : lower(call.errorCode());
            counter("parallel.tools.calls", tags, "outcome", result).increment();
            if (call.started()) {
                timer("parallel.tools.call.latency", tags).record(call.endNanos() - call.startNanos(),
                        TimeUnit.NANOSECONDS);
            }
            if (call.started() || (call.heldBy() != null && call.readyNanos() >= 0)) {
                // a call its turn closed while a limit or lock held it waited until its outcome
                long until = call.started() ? call.startNanos() : call.endNanos();
                timer("parallel.tools.permit.wait", tags.and("held_by", heldBy(call)))
                        .record(Math.max(0, until - call.readyNanos()), TimeUnit.NANOSECONDS);
            }
            if (call.attempts() > 1) {
                counter("parallel.tools.retried", tags).increment(call.attempts() - 1);
            }
            ErrorCode code = call.errorCode();
            if (code == ErrorCode.RATE_LIMITED) {
                counter("parallel.tools.throttled", tags, "reason", "no_permit").increment();
            } else if (code == ErrorCode.BUDGET_EXCEEDED || code == ErrorCode.TIMEOUT || code == ErrorCode.CANCELLED) {
                counter("parallel.tools.cancelled", tags, "reason", lower(code)).increment();
            }
        }
    }

    /** {@link CallReport#heldBy()} as a tag value: the step that held a ready call longest, or none. */
    private static String heldBy(CallReport call) {
        CallReport.HeldBy longest = call.heldBy();
        return longest == null ? "none" : longest.name().toLowerCase(Locale.ROOT);
    }

    /** Whether the tool said 429: it threw {@link RateLimitedException}, perhaps wrapped by LangChain4j. */
    private static boolean isRateLimited(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RateLimitedException) {
                return true;
            }
        }
        return false;
    }

    private Counter counter(String name, Call call, String... extra) {
        return counter(name, tags(call.tool(), call.integration()), extra);
    }

    private Counter counter(String name, Tags tags, String... extra) {
        return Counter.builder(name).tags(tags.and(extra)).register(meters);
    }

    private Timer timer(String name, Tags tags) {
        return Timer.builder(name).tags(tags).register(meters);
    }

    private static Tags tags(String tool, String integration) {
        return Tags.of("tool", tool, "integration", none(integration));
    }

    private static String none(String integration) {
        return integration == null ? "none" : integration;
    }

    private static String lower(ErrorCode code) {
        return code == null ? "error" : code.name().toLowerCase(Locale.ROOT);
    }
}
