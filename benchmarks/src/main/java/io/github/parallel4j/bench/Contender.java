package io.github.parallel4j.bench;

import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.ParallelToolsBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** The ways of running one AI message's tool calls that the scenarios compare. */
enum Contender {

    /** Plain {@code AiServices}: one call after another, in the model's order. */
    SEQUENTIAL("LangChain4j sequential"),
    /** Plain {@code AiServices} with {@code executeToolsConcurrently()}: every call at once, on its default executor. */
    CONCURRENT("LangChain4j executeToolsConcurrently()"),
    /** Core's plan run wave by wave with a barrier between waves ({@link StagedWaves}). */
    STAGED_WAVES("staged waves (barrier per wave)"),
    /**
     * This library with its defaults: {@code ParallelTools.install}, told only the workload's caps and rates (what
     * the workload needs to be safe), with the default executor and budget, as a user gets it.
     */
    LIBRARY("langchain4j-parallel (defaults)"),
    /** This library tuned: the harness's unbounded tool pool and a two-minute budget on top of the defaults. */
    LIBRARY_TUNED("langchain4j-parallel (tuned: unbounded pool, 2 min budget)"),
    /**
     * This library with its defaults but no turn budget ({@code turnTimeout(Duration.ZERO)}): the thread that starts
     * a turn runs one of its calls itself, on top of the default executor.
     */
    LIBRARY_NO_BUDGET("langchain4j-parallel (defaults, no budget)");

    final String label;

    Contender(String label) {
        this.label = label;
    }

    /**
     * Builds the AI service this contender uses for a workload.
     *
     * @param workload the workload (its caps and vendor rate configure the library)
     * @param tools the simulated tools
     * @param model the scripted model
     * @param pool a thread pool for staged waves and for the tuned library
     * @return the AI service
     */
    Assistant build(Workload workload, SimulatedTools tools, TurnModel model, ExecutorService pool) {
        return switch (this) {
            case SEQUENTIAL -> AiServices.builder(Assistant.class).tools(tools).chatModel(model).build();
            case CONCURRENT -> AiServices.builder(Assistant.class).tools(tools).executeToolsConcurrently()
                    .chatModel(model).build();
            case STAGED_WAVES -> new StagedWaves(SimulatedTools.policies(), pool)
                    .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
            case LIBRARY, LIBRARY_TUNED, LIBRARY_NO_BUDGET -> library(workload, pool, this)
                    .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
        };
    }

    /** @return whether this is the library, however configured */
    boolean isLibrary() {
        return this == LIBRARY || this == LIBRARY_TUNED || this == LIBRARY_NO_BUDGET;
    }

    private static ParallelTools library(Workload workload, ExecutorService pool, Contender which) {
        ParallelToolsBuilder<ParallelTools> builder = ParallelTools.builder();
        if (which == LIBRARY_TUNED) {
            builder.turnTimeout(Duration.ofMinutes(2)).executor(pool);
        } else if (which == LIBRARY_NO_BUDGET) {
            builder.turnTimeout(Duration.ZERO);
        }
        for (Map.Entry<String, Integer> cap : workload.caps().entrySet()) {
            builder.integration(cap.getKey(), IntegrationLimits.builder().maxConcurrent(cap.getValue()).build());
        }
        if (workload.storm() != null) {
            // 1 % under the vendor's rate: the refill lands just after the vendor's, never on it.
            Workload.Storm storm = workload.storm();
            Duration slower = Duration.ofNanos(storm.period().toNanos() * 101 / 100);
            builder.integration("vendor", IntegrationLimits.builder().rate(storm.permits(), slower).build());
        }
        return builder.build();
    }
}
