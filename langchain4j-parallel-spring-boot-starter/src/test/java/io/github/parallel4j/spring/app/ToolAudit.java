package io.github.parallel4j.spring.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.annotation.Before;
import org.springframework.stereotype.Component;

/** Advice on one tool method, which makes the tools bean an AOP proxy: its advice must still run. */
@Aspect
@Component
public class ToolAudit {

    private final AtomicInteger flagsCalls = new AtomicInteger();

    @Before("execution(* io.github.parallel4j.spring.app.TriageTools.flags(..))")
    public void beforeFlags() {
        flagsCalls.incrementAndGet();
    }

    public int flagsCalls() {
        return flagsCalls.get();
    }
}
