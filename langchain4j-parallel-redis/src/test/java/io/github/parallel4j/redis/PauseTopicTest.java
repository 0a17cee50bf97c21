package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bandwidth;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The pauses' topic: each pause heard once, its sender's echo skipped, and the subscription gone on close. */
class PauseTopicTest {

    private static final List<Bandwidth> RATE = List.of(Bandwidth.builder().capacity(100)
            .refillGreedy(100, Duration.ofSeconds(1)).build());

    private static RedissonClient redisson;
    private static RedissonClient other;

    @BeforeAll
    static void connect() {
        redisson = RedisServer.client();
        other = RedisServer.client();
    }

    @AfterAll
    static void disconnect() {
        if (redisson != null) {
            redisson.shutdown();
        }
        if (other != null) {
            other.shutdown();
        }
    }

    /** Uses the limits once (which subscribes), with a listener that records what it hears. */
    private static List<String> listening(RedisSharedLimits limits, List<BiConsumer<String, Duration>> keep)
            throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        BiConsumer<String, Duration> listener = (integration, retryAfter) -> heard.add(integration + " "
                + retryAfter.toMillis());
        keep.add(listener); // held weakly by the limits
        limits.onPause(listener);
        limits.consume("rate:vendor", RATE).toCompletableFuture().get(5, TimeUnit.SECONDS);
        return heard;
    }

    @Test
    void should_tell_the_sender_once_and_the_other_jvm_once() throws Exception {
        String namespace = "topic-" + UUID.randomUUID();
        RTopic topic = redisson.getTopic(namespace + ":pauses", StringCodec.INSTANCE);
        List<BiConsumer<String, Duration>> keep = new CopyOnWriteArrayList<>();
        RedisSharedLimits a = RedisSharedLimits.builder(redisson).namespace(namespace).build();
        RedisSharedLimits b = RedisSharedLimits.builder(other).namespace(namespace).build();
        List<String> heardByA = listening(a, keep);
        List<String> heardByB = listening(b, keep);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> topic.countSubscribers() == 2);

        a.pause("vendor", Duration.ofMillis(1500)).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(heardByA).containsExactly("vendor 1500"); // at once, not through the topic
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> heardByB.size() == 1);
        assertThat(heardByB).containsExactly("vendor 1500");
        // a's echo came back on the topic by now too (b heard it); it is skipped
        topic.publish("not a pause"); // another writer's message: ignored by both
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> heardByA.size() == 1 && heardByB.size() == 1);
        a.close();
        b.close();
    }

    @Test
    void should_remove_its_subscription_when_closed() throws Exception {
        String namespace = "close-" + UUID.randomUUID();
        RTopic topic = redisson.getTopic(namespace + ":pauses", StringCodec.INSTANCE);
        List<BiConsumer<String, Duration>> keep = new CopyOnWriteArrayList<>();
        RedisSharedLimits a = RedisSharedLimits.builder(redisson).namespace(namespace).build();
        RedisSharedLimits b = RedisSharedLimits.builder(other).namespace(namespace).build();
        List<String> heardByA = listening(a, keep);
        listening(b, keep);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> topic.countSubscribers() == 2);

        a.close();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> topic.countSubscribers() == 1);
        b.pause("vendor", Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        a.consume("rate:vendor", RATE).toCompletableFuture().get(5, TimeUnit.SECONDS); // does not subscribe again
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> heardByA.isEmpty() && topic.countSubscribers() == 1);
        b.close();
    }
}
