package io.github.parallel4j.compat;

import dev.langchain4j.observability.api.event.ToolExecutedEvent;
import dev.langchain4j.service.AiServiceContext;
import io.github.parallel4j.TurnListener;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.CallReport;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Proof that the library, not LangChain4j's own executors, ran the upstream tests' tool calls. LangChain4j
 * reports every call it got a result for ({@link ToolExecutedEvent}, whoever executed it), attributed to the test
 * running then; the library reports the calls of every turn it ran ({@link TurnListener}). A call LangChain4j
 * reports that is in no turn of the library was executed behind its back (say, the executor swap of
 * {@code install} broke). Calls to a name the builder has no tool for (a hallucinated name) are LangChain4j's to
 * answer and are not counted.
 */
final class Executions {

    private static volatile String currentTest = "";
    /** By test: the calls (invocation id and call id) LangChain4j reported for tools of the test's builders. */
    private static final Map<String, Set<String>> reported = new ConcurrentHashMap<>();
    /** Every call of every turn the library ran. */
    private static final Set<String> planned = ConcurrentHashMap.newKeySet();
    /** Calls the library actually started a tool for (at least one attempt). */
    private static final AtomicInteger ran = new AtomicInteger();

    private Executions() {}

    static void reset() {
        currentTest = "";
        reported.clear();
        planned.clear();
        ran.set(0);
    }

    /** @param test the upstream test that runs now ({@code Class#method}) */
    static void testStarted(String test) {
        currentTest = test;
    }

    /** Records a call LangChain4j got a result for, on a builder made through the routing factory. */
    static void reported(ToolExecutedEvent event, AiServiceContext context) {
        String tool = event.request().name();
        if (context.toolService.toolExecutors().containsKey(tool) || providesTools(context)) {
            reported.computeIfAbsent(currentTest, t -> ConcurrentHashMap.newKeySet())
                    .add(key(event.invocationContext() == null ? null : event.invocationContext().invocationId(),
                            event.request().id()));
        }
    }

    private static boolean providesTools(AiServiceContext context) {
        return context.toolService.toolProvider() != null;
    }

    /** @return a listener for the library's turns, to add to each routed {@code ParallelTools} */
    static TurnListener listener() {
        return Executions::turnFinished;
    }

    private static void turnFinished(TurnReport report) {
        for (CallReport call : report.calls()) {
            planned.add(key(report.invocationId(), call.providerId()));
            if (call.attempts() > 0) {
                ran.incrementAndGet();
            }
        }
    }

    private static String key(Object invocation, String callId) {
        return invocation + "/" + callId;
    }

    /** @return the tests in which LangChain4j reported a call no turn of the library had, with those calls */
    static Map<String, Set<String>> behindTheLibrary() {
        Map<String, Set<String>> missed = new TreeMap<>();
        reported.forEach((test, calls) -> calls.stream().filter(c -> !planned.contains(c))
                .forEach(c -> missed.computeIfAbsent(test, t -> new java.util.TreeSet<>()).add(c)));
        return missed;
    }

    /** @return how many tests had LangChain4j report a call to one of their tools */
    static int testsWithToolCalls() {
        return reported.size();
    }

    /** @return how many calls the library started a tool for */
    static int ran() {
        return ran.get();
    }
}
