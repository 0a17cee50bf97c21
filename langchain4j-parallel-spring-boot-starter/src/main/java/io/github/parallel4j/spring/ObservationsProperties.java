package io.github.parallel4j.spring;

/** Micrometer observations (a span per turn and per call) and metrics. */
public class ObservationsProperties {

    /** Whether turns and calls are observed when Micrometer is present. */
    private boolean enabled = true;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
