package io.github.parallel4j.spring.micrometer;

import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Live gauges of a {@link ParallelTools}: {@code parallel.tools.integration.in.flight} and
 * {@code parallel.tools.integration.waiting} for each configured integration (tagged {@code integration}),
 * {@code parallel.tools.invocations.in.flight}, and {@code parallel.tools.abandoned} (calls still running after
 * their turn ended because they ignored interruption); with shared limits, {@code parallel.tools.shared.available},
 * {@code .fallbacks}, {@code .refusals} and {@code .latency} (tagged {@code backend}).
 */
public class ParallelToolsGauges implements MeterBinder {

    private final Supplier<ParallelTools> parallelTools;

    /**
     * @param parallelTools the instance to watch, looked up when the gauges are bound
     */
    public ParallelToolsGauges(Supplier<ParallelTools> parallelTools) {
        this.parallelTools = parallelTools;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ParallelTools tools = parallelTools.get();
        if (tools == null) {
            return;
        }
        for (String integration : tools.integrations().keySet()) {
            Gauge.builder("parallel.tools.integration.in.flight", tools, t -> t.inFlight(integration))
                    .description("Calls to the integration running now").tag("integration", integration)
                    .register(registry);
            Gauge.builder("parallel.tools.integration.waiting", tools, t -> t.waiting(integration))
                    .description("Calls waiting for one of the integration's slots").tag("integration", integration)
                    .register(registry);
        }
        Gauge.builder("parallel.tools.invocations.in.flight", tools, ParallelTools::invocationsInFlight)
                .description("AI service invocations with tool calls under way").register(registry);
        Gauge.builder("parallel.tools.abandoned", tools, ParallelTools::abandonedCalls)
                .description("Calls still running after their turn ended").register(registry);
        tools.sharedLimitsStatus().ifPresent(status -> bindShared(tools, status.backend(), registry));
    }

    private static void bindShared(ParallelTools tools, String backend, MeterRegistry registry) {
        Gauge.builder("parallel.tools.shared.available", tools,
                        t -> t.sharedLimitsStatus().map(s -> s.available() ? 1.0 : 0.0).orElse(0.0))
                .description("1 while the shared limits' backend answers in time").tag("backend", backend)
                .register(registry);
        FunctionCounter.builder("parallel.tools.shared.fallbacks", tools,
                        t -> t.sharedLimitsStatus().map(SharedLimits.Status::fallbacks).orElse(0L))
                .description("Calls run under this JVM's limits alone because the backend was unavailable")
                .tag("backend", backend).register(registry);
        FunctionCounter.builder("parallel.tools.shared.refusals", tools,
                        t -> t.sharedLimitsStatus().map(SharedLimits.Status::refusals).orElse(0L))
                .description("Calls refused with LIMITS_UNAVAILABLE").tag("backend", backend).register(registry);
        TimeGauge.builder("parallel.tools.shared.latency", tools, TimeUnit.NANOSECONDS,
                        t -> t.sharedLimitsStatus().map(s -> (double) s.lastLatency().toNanos()).orElse(0.0))
                .description("How long the backend's last answered call took").tag("backend", backend)
                .register(registry);
    }
}
