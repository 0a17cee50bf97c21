package io.github.parallel4j.samples.harbor;

import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.TurnReport;
import io.github.parallel4j.redis.RedisSharedLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One replica of the triage assistant, in a JVM of its own, started by {@link SharedLimitsReplicas}: it runs the
 * parallel triage once on the scripted model with its integrations' limits shared through Redis
 * ({@link RedisSharedLimits}), and writes when each tool call ran (epoch nanoseconds, so that the launcher can put
 * the replicas' calls on one time line) to a file.
 *
 * <p>Arguments: {@code <redis host:port> <namespace> <scale> <spans file>}. It prints {@code READY} once connected
 * and waits for a line on its standard input before it starts, so that every replica starts together.
 */
public final class SharedLimitsReplica {

    private SharedLimitsReplica() {}

    /**
     * Runs one replica; exits with 1 when the run fails.
     *
     * @param args redis address, namespace, latency scale, spans file
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SharedLimitsReplica <redis host:port> <namespace> <scale> <spans file>");
            System.exit(2);
        }
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + args[0]).setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(4).setSubscriptionConnectionMinimumIdleSize(1);
        RedissonClient redisson = Redisson.create(config);
        try {
            run(redisson, args[1], Double.parseDouble(args[2]), Path.of(args[3]), System.out);
        } finally {
            redisson.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private static void run(RedissonClient redisson, String namespace, double scale, Path spansFile,
            PrintStream out) throws IOException {
        List<TurnReport> turns = new CopyOnWriteArrayList<>();
        ParallelTools parallel = TriageDemo.builder(scale, turns, out)
                .sharedLimits(RedisSharedLimits.builder(redisson).namespace(namespace).build())
                .build();
        CallRecorder recorder = new CallRecorder(span -> {});
        TriageTools tools = new TriageTools(new SimulatedLatencies(scale), recorder);
        TriageAssistant assistant = parallel.install(AiServices.builder(TriageAssistant.class), tools)
                .chatModel(ModelChoice.from(name -> null, true).newModel())
                .build();
        // the client's connections are made (one read of the shared in-flight count) before the start; the
        // semaphores are sized, and the pauses subscribed to, by the first call, in every replica alike
        parallel.sharedInFlight("datadog");
        out.println("READY");
        out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();

        Instant origin = Instant.now();
        recorder.start();
        String answer = assistant.triage(TriageDemo.REQUEST);
        long originEpochNanos = origin.getEpochSecond() * 1_000_000_000L + origin.getNano();
        List<String> lines = new ArrayList<>();
        for (CallSpan span : recorder.spans()) {
            lines.add(String.format(Locale.ROOT, "%s %s %d %d", span.integration(), span.label(),
                    originEpochNanos + span.startNanos(), originEpochNanos + span.endNanos()));
        }
        Files.write(spansFile, lines, StandardCharsets.UTF_8);
        out.println("Answer: " + answer);
    }
}
