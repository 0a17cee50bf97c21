package io.github.parallel4j.spring.micrometer;

import io.github.parallel4j.ParallelTools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.Supplier;

/**
 * Live gauges of a {@link ParallelTools}: {@code parallel.tools.integration.in.flight} and
 * {@code parallel.tools.integration.waiting} for each configured integration (tagged {@code integration}),
 * {@code parallel.tools.invocations.in.flight}, and {@code parallel.tools.abandoned} (calls still running after
 * their turn ended because they ignored interruption).
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
    }
}
