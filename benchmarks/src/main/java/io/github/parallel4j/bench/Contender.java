package io.github.parallel4j.bench;

import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** The four ways of running one AI message's tool calls that the scenarios compare. */
enum Contender {

    /** Plain {@code AiServices}: one call after another, in the model's order. */
    SEQUENTIAL("LangChain4j sequential"),
    /** Plain {@code AiServices} with {@code executeToolsConcurrently()}: every call at once, on its default executor. */
    CONCURRENT("LangChain4j executeToolsConcurrently()"),
    /** Core's plan run wave by wave with a barrier between waves ({@link StagedWaves}). */
    STAGED_WAVES("staged waves (barrier per wave)"),
    /** This library: {@code ParallelTools.install}, with the workload's caps and rates. */
    LIBRARY("langchain4j-parallel");

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
     * @param pool a thread pool for staged waves, and for the library when {@code libraryPool} is set
     * @param libraryPool whether the library runs tools on {@code pool} instead of its default executor
     * @return the AI service
     */
    Assistant build(Workload workload, SimulatedTools tools, TurnModel model, ExecutorService pool,
            boolean libraryPool) {
        return switch (this) {
            case SEQUENTIAL -> AiServices.builder(Assistant.class).tools(tools).chatModel(model).build();
            case CONCURRENT -> AiServices.builder(Assistant.class).tools(tools).executeToolsConcurrently()
                    .chatModel(model).build();
            case STAGED_WAVES -> new StagedWaves(SimulatedTools.policies(), pool)
                    .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
            case LIBRARY -> library(workload, pool, libraryPool)
                    .install(AiServices.builder(Assistant.class), tools).chatModel(model).build();
        };
    }

    private static ParallelTools library(Workload workload, ExecutorService pool, boolean libraryPool) {
        ParallelTools.Builder builder = ParallelTools.builder().turnTimeout(Duration.ofMinutes(2));
        for (Map.Entry<String, Integer> cap : workload.caps().entrySet()) {
            builder.integration(cap.getKey(), IntegrationLimits.builder().maxConcurrent(cap.getValue()).build());
        }
        if (workload.storm() != null) {
            // 1 % under the vendor's rate: the refill lands just after the vendor's, never on it.
            Workload.Storm storm = workload.storm();
            Duration slower = Duration.ofNanos(storm.period().toNanos() * 101 / 100);
            builder.integration("vendor", IntegrationLimits.builder().rate(storm.permits(), slower).build());
        }
        if (libraryPool) {
            builder.executor(pool);
        }
        return builder.build();
    }
}
