package io.github.parallel4j.samples.harbor;

import java.nio.file.Path;

/**
 * The same triage run twice, serially with LangChain4j's default and in safe parallel through the library.
 *
 * @param serial LangChain4j's default run
 * @param parallel the run through langchain4j-parallel
 * @param html where the parallel run's HTML timeline was written, or null when it could not be
 */
public record TriageComparison(TriageRun serial, TriageRun parallel, Path html) {

    /** @return how many times faster the parallel run was */
    public double speedUp() {
        return (double) serial.nanos() / Math.max(1, parallel.nanos());
    }
}
