package io.github.parallel4j.redis;

import io.github.parallel4j.internal.limit.PauseListeners;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.redisson.api.RTopic;

/**
 * The pauses after an upstream 429, told to every JVM through a Redis pub/sub topic ({@code <namespace>:pauses}).
 * A message is {@code 1 <sender> <retry-after in ms> <integration>} (a version, this {@code RedisSharedLimits}'
 * random id, a duration rather than a time, so no clocks are compared; each JVM pauses from when it hears it). This
 * JVM subscribes on the first use of the limits (building a {@code ParallelTools} asks nothing of Redis),
 * asynchronously, and again on a later use if that failed; Redisson subscribes again on its own after a reconnect.
 * A pause is told to this object's own listeners at once (its echo from the topic is skipped) and published without
 * waiting for the subscription. Pub/sub is best effort: a JVM not subscribed at that moment does not hear of it.
 * {@link #close()} removes the subscription. Thread-safe.
 */
final class PauseTopic implements AutoCloseable {

    private static final String VERSION = "1";

    private final Supplier<RTopic> topic;
    private final String sender = UUID.randomUUID().toString();
    private final PauseListeners listeners = new PauseListeners();
    /** Completes with the listener's id once this JVM hears the others' pauses (null: gave up, for now). */
    private final AtomicReference<CompletableFuture<Integer>> subscription = new AtomicReference<>();
    private volatile boolean closed;

    PauseTopic(Supplier<RTopic> topic) {
        this.topic = topic;
    }

    /** @param listener told of every pause heard, while its registrant keeps it */
    void listen(BiConsumer<String, Duration> listener) {
        listeners.add(listener);
    }

    /** Tells this object's listeners at once, and publishes the pause to the other JVMs. */
    CompletionStage<Void> publish(String integration, Duration retryAfter) {
        long millis = Math.max(0, retryAfter.toMillis());
        listeners.tell(integration, Duration.ofMillis(millis));
        return topic.get().publishAsync(VERSION + " " + sender + " " + millis + " " + integration)
                .thenApply(receivers -> null);
    }

    /**
     * Subscribes once there is a listener, at most once at a time.
     *
     * @return completes once subscribed, or once the attempt failed (asked again on a later use)
     */
    CompletableFuture<Void> subscribe() {
        CompletableFuture<Integer> current = subscription.get();
        if (current != null || listeners.isEmpty() || closed) {
            return current == null ? CompletableFuture.completedFuture(null) : current.thenApply(id -> null);
        }
        CompletableFuture<Integer> made = new CompletableFuture<>();
        if (!subscription.compareAndSet(null, made)) {
            return subscription.get().thenApply(id -> null);
        }
        try {
            topic.get().addListenerAsync(String.class, (channel, message) -> heard(message))
                    .whenComplete((id, error) -> {
                        if (error != null) {
                            subscription.compareAndSet(made, null);
                        }
                        made.complete(error == null ? id : null);
                        if (closed && id != null) {
                            topic.get().removeListenerAsync(id); // closed meanwhile
                        }
                    });
        } catch (RuntimeException e) {
            subscription.compareAndSet(made, null);
            made.complete(null);
        }
        return made.thenApply(id -> null);
    }

    /** Stops listening: the topic's subscription is removed (asynchronously) and no new one is made. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<Integer> current = subscription.getAndSet(null);
        if (current != null) {
            current.thenAccept(id -> {
                if (id != null) {
                    topic.get().removeListenerAsync(id);
                }
            });
        }
    }

    private void heard(String message) {
        String[] parts = message.split(" ", 4);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || sender.equals(parts[1])) {
            return; // another format or writer on the topic, or our own echo (told at once already)
        }
        long millis;
        try {
            millis = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return;
        }
        if (millis > 0) {
            listeners.tell(parts[3], Duration.ofMillis(millis));
        }
    }
}
