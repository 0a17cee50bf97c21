package io.github.parallel4j.redis;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.IntegrationLimits;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.SharedLimits;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Redis stopped (SIGKILL) and started again, without its data, in the middle of a run: with {@code FALLBACK} the
 * calls run under the in-JVM limits and the shared ones come back with Redis; with {@code REFUSE} they are
 * answered {@code LIMITS_UNAVAILABLE}; in both, no turn runs past its budget and no call runs twice.
 */
class RedisOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BUDGET = Duration.ofSeconds(5);

    interface Assistant {
        String chat(String message);
    }

    static final class Tools {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger asked = new AtomicInteger();

        @Tool
        @ParallelSafe
        @Integration("vendor")
        String query(String q) {
            runs.incrementAndGet();
            return "{\"q\":\"" + q + "\"}";
        }
    }

    private record Turn(List<JsonNode> observations, long nanos) {
        long ok() {
            return observations.stream().filter(o -> o.get("ok").asBoolean()).count();
        }

        long failedWith(String code) {
            return observations.stream().filter(o -> code.equals(o.path("error_code").asText())).count();
        }
    }

    private static Turn turn(ParallelTools parallel, Tools tools, int calls) throws Exception {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            requests.add(call("call_" + i, "query", "{\"q\":\"q" + i + "\"}"));
        }
        tools.asked.addAndGet(calls);
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(requests);
        long start = System.nanoTime();
        parallel.install(AiServices.builder(Assistant.class), tools).chatModel(model).build().chat("go");
        long took = System.nanoTime() - start;
        List<JsonNode> observations = new ArrayList<>();
        for (String text : ScriptedChatModel.toolResults(model.lastRequest())) {
            observations.add(JSON.readTree(text));
        }
        return new Turn(observations, took);
    }

    private static ParallelTools parallel(RedissonClient redisson, SharedLimits.OnFailure onFailure) {
        return ParallelTools.builder().turnTimeout(BUDGET)
                .integration("vendor", IntegrationLimits.builder().maxConcurrent(2).rate(100, Duration.ofSeconds(1))
                        .build())
                .sharedLimits(RedisSharedLimits.builder(redisson).namespace("outage-" + UUID.randomUUID())
                        .timeout(Duration.ofMillis(300)).onFailure(onFailure).build())
                .build();
    }

    @Test
    void should_fall_back_while_redis_is_down_and_share_again_once_it_is_back() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedissonClient redisson = RedisServer.client(redis.addressOf());
            try {
                ParallelTools parallel = parallel(redisson, SharedLimits.OnFailure.FALLBACK);
                Tools tools = new Tools();
                assertThat(turn(parallel, tools, 4).ok()).isEqualTo(4);
                assertThat(parallel.sharedLimitsStatus().orElseThrow().fallbacks()).isZero();

                redis.stop();
                Turn down = turn(parallel, tools, 4);
                assertThat(down.ok()).isEqualTo(4);
                assertThat(Duration.ofNanos(down.nanos())).isLessThan(BUDGET);
                SharedLimits.Status status = parallel.sharedLimitsStatus().orElseThrow();
                assertThat(status.available()).isFalse();
                assertThat(status.fallbacks()).isPositive();

                redis.restart();
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    Turn turn = turn(parallel, tools, 2);
                    assertThat(turn.ok()).isEqualTo(2);
                    return parallel.sharedLimitsStatus().orElseThrow().available();
                });
                long fallbacks = parallel.sharedLimitsStatus().orElseThrow().fallbacks();
                assertThat(turn(parallel, tools, 4).ok()).isEqualTo(4);
                assertThat(parallel.sharedLimitsStatus().orElseThrow().fallbacks()).isEqualTo(fallbacks);
                // Permits go back to Redis as each call ends, asynchronously: none may stay held
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(parallel.sharedInFlight("vendor")).contains(0));
                assertThat(tools.runs.get()).as("every call ran exactly once").isEqualTo(tools.asked.get());
            } finally {
                redisson.shutdown();
            }
        }
    }

    @Test
    void should_refuse_while_redis_is_down_when_configured_to() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedissonClient redisson = RedisServer.client(redis.addressOf());
            try {
                ParallelTools parallel = parallel(redisson, SharedLimits.OnFailure.REFUSE);
                Tools tools = new Tools();
                assertThat(turn(parallel, tools, 3).ok()).isEqualTo(3);

                redis.stop();
                Turn down = turn(parallel, tools, 3);
                assertThat(down.failedWith("LIMITS_UNAVAILABLE")).as(down.observations().toString()).isEqualTo(3);
                assertThat(Duration.ofNanos(down.nanos())).isLessThan(BUDGET);
                assertThat(tools.runs.get()).isEqualTo(3);
                assertThat(parallel.inFlight("vendor")).isZero();

                redis.restart();
                Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> turn(parallel, tools, 1).ok() == 1);
                assertThat(turn(parallel, tools, 3).ok()).isEqualTo(3);
                assertThat(parallel.sharedLimitsStatus().orElseThrow().available()).isTrue();
            } finally {
                redisson.shutdown();
            }
        }
    }
}
