package io.github.parallel4j;

/**
 * What a tool result looks like to the model.
 */
public enum ObservationFormat {
    /**
     * A JSON envelope per call ({@code id}, {@code tool}, {@code ok}, {@code error_code}, {@code latency_ms},
     * {@code result}, ...), cut to size when large. The default.
     */
    ENVELOPE,
    /**
     * LangChain4j's plain results: the tool's text as is, or the error message; no envelope and no cutting.
     */
    RAW
}
