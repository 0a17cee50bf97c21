package io.github.parallel4j.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread pools for running simulated tools where the harness chooses them (staged waves always; the library in
 * concurrent conversations on Java 17): virtual threads on Java 21+, as the library and LangChain4j use there by
 * default, else an unbounded cached pool of daemon platform threads, as LangChain4j uses on Java 17.
 */
final class ToolPools {

    private ToolPools() {}

    /** @return a new pool with a thread for every task */
    static ExecutorService unbounded(String prefix) {
        if (Runtime.version().feature() >= 21) {
            try {
                // Through reflection: this module compiles for Java 17.
                return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Java " + Runtime.version() + " has no virtual threads", e);
            }
        }
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @return what the tools run on, for the report */
    static String describe() {
        return Runtime.version().feature() >= 21 ? "virtual threads" : "platform threads";
    }
}
