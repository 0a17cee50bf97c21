package io.github.parallel4j;

import java.util.Map;
import org.slf4j.MDC;

/** Carries the SLF4J MDC to tool threads and puts back the thread's own afterwards. */
final class MdcPropagator implements ContextPropagator {

    @Override
    public Captured capture() {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            set(captured);
            return () -> set(previous);
        };
    }

    private static void set(Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
