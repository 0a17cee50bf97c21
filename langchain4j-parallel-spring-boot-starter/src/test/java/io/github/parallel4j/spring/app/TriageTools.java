package io.github.parallel4j.spring.app;

import dev.langchain4j.agent.tool.Tool;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.CallLog;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Four reads of 300 ms each, and one read that holds until the test releases it. */
@Component
public class TriageTools {

    public static final long READ_MILLIS = 300;

    private final CallLog log;
    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(0);

    public TriageTools(CallLog log) {
        this.log = log;
    }

    @Tool("Incident details") @ParallelSafe @Integration("pagerduty")
    public String incident(String id) {
        return read("incident", "{\"id\":\"" + id + "\",\"severity\":\"SEV2\"}");
    }

    @Tool("Error-rate metrics") @ParallelSafe @Integration("datadog")
    public String metrics(String service) {
        return read("metrics", "{\"service\":\"" + service + "\",\"error_rate\":0.12}");
    }

    @Tool("Recent deploys") @ParallelSafe @Integration("github")
    public String deploys(String service) {
        return read("deploys", "[{\"sha\":\"a1b2c3\",\"service\":\"" + service + "\"}]");
    }

    @Tool("Feature flags") @ParallelSafe
    public String flags(String service) {
        return read("flags", "{\"new-checkout\":true}");
    }

    @Tool("A read that waits for the test") @ParallelSafe @Integration("datadog")
    public String held(String what) throws InterruptedException {
        entered.countDown();
        if (!release.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the held call");
        }
        return "released";
    }

    /** The next {@code held} call blocks until the returned latch is counted down. */
    public CountDownLatch holdNext() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        return release;
    }

    public boolean awaitHeld() throws InterruptedException {
        return entered.await(10, TimeUnit.SECONDS);
    }

    private String read(String name, String result) {
        return log.record(name, result, () -> {
            Thread.sleep(READ_MILLIS);
            return result;
        });
    }
}
