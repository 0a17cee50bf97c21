package io.github.parallel4j.compat;

import io.github.parallel4j.ObservationFormat;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ToolErrorHandling;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the LangChain4j tests running now have their tools routed, and how many registrations were routed.
 * Set by {@link LangChain4jToolTestsTest} before it launches a run; read by {@link RoutingAiServicesFactory} each
 * time a test calls {@code AiServices.builder(...)}.
 */
enum CompatMode {
    /** No routing: LangChain4j alone (to tell which upstream tests need a real model). */
    OFF(null),
    /** LangChain4j's plain results and its error handlers: every test must pass. */
    RAW_WITH_LANGCHAIN4J_HANDLERS(ParallelTools.builder()
            .observationFormat(ObservationFormat.RAW)
            .toolErrorHandling(ToolErrorHandling.LANGCHAIN4J_HANDLERS)
            .turnListener(Executions.listener())
            .build()),
    /** The library's defaults (the JSON envelope): only the documented differences may fail. */
    ENVELOPE(ParallelTools.builder().turnListener(Executions.listener()).build());

    private static volatile CompatMode current = OFF;
    private static final AtomicInteger builders = new AtomicInteger();
    private static final AtomicInteger routed = new AtomicInteger();

    private final ParallelTools parallel;

    CompatMode(ParallelTools parallel) {
        this.parallel = parallel;
    }

    /** @return the instance tools are installed with, or null when nothing is routed */
    ParallelTools parallel() {
        return parallel;
    }

    static CompatMode current() {
        return current;
    }

    /** Starts a run in this mode, with the counters at zero. */
    void activate() {
        current = this;
        builders.set(0);
        routed.set(0);
        Executions.reset();
    }

    /** Ends a run: builders made from now on route nothing; the counters keep the run's figures. */
    static void deactivate() {
        current = OFF;
    }

    static void builderCreated() {
        builders.incrementAndGet();
    }

    static void routed(int registrations) {
        routed.addAndGet(registrations);
    }

    /** @return builders made through the factory since the run started */
    static int builders() {
        return builders.get();
    }

    /** @return tool objects, tools and providers registered through {@code install} since the run started */
    static int routed() {
        return routed.get();
    }
}
