package io.github.parallel4j.spring;

import java.time.Duration;

/** Cut results kept for read-back: both settings are needed. */
public class KeepTruncatedResultsProperties {

    /** The most characters kept in all (held in memory), positive. */
    private Long maxChars;

    /** How long each result is kept, positive. */
    private Duration keepFor;

    public Long getMaxChars() {
        return maxChars;
    }

    public void setMaxChars(Long maxChars) {
        this.maxChars = maxChars;
    }

    public Duration getKeepFor() {
        return keepFor;
    }

    public void setKeepFor(Duration keepFor) {
        this.keepFor = keepFor;
    }
}
