package io.github.parallel4j.redis;

import io.github.parallel4j.internal.limit.PauseListeners;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.redisson.api.RTopic;

/**
 * The pauses after an upstream 429, told to every JVM through a Redis pub/sub topic ({@code <namespace>:pauses}).
 * A message is {@code <retry-after in ms> <integration>}: a duration, not a time, so no clocks are compared; each
 * JVM pauses from when it hears it. This JVM subscribes on the first use of the limits (building a
 * {@code ParallelTools} asks nothing of Redis), asynchronously, and again on a later use if that failed; Redisson
 * subscribes again on its own after a reconnect. Pub/sub is best effort: a JVM not subscribed at that moment does
 * not hear of it. Thread-safe.
 */
final class PauseTopic {

    private final Supplier<RTopic> topic;
    private final PauseListeners listeners = new PauseListeners();
    /** Completes once this JVM hears the others' pauses (or gave up trying, for now). */
    private final AtomicReference<CompletableFuture<Void>> subscription = new AtomicReference<>();

    PauseTopic(Supplier<RTopic> topic) {
        this.topic = topic;
    }

    /** @param listener told of every pause heard, while its registrant keeps it */
    void listen(BiConsumer<String, Duration> listener) {
        listeners.add(listener);
    }

    /** Publishes a pause, after this JVM's own subscription, so that its other {@code ParallelTools} hear it too. */
    CompletionStage<Void> publish(String integration, Duration retryAfter) {
        return subscribe().thenCompose(subscribed -> topic.get().publishAsync(
                Math.max(0, retryAfter.toMillis()) + " " + integration)).thenApply(receivers -> null);
    }

    /**
     * Subscribes once there is a listener, at most once at a time.
     *
     * @return completes once subscribed, or once the attempt failed (asked again on a later use)
     */
    CompletableFuture<Void> subscribe() {
        CompletableFuture<Void> current = subscription.get();
        if (current != null || listeners.isEmpty()) {
            return current == null ? CompletableFuture.completedFuture(null) : current;
        }
        CompletableFuture<Void> made = new CompletableFuture<>();
        if (!subscription.compareAndSet(null, made)) {
            return subscription.get();
        }
        try {
            topic.get().addListenerAsync(String.class, (channel, message) -> heard(message))
                    .whenComplete((id, error) -> {
                        if (error != null) {
                            subscription.compareAndSet(made, null);
                        }
                        made.complete(null);
                    });
        } catch (RuntimeException e) {
            subscription.compareAndSet(made, null);
            made.complete(null);
        }
        return made;
    }

    private void heard(String message) {
        int space = message.indexOf(' ');
        long millis;
        try {
            millis = Long.parseLong(message.substring(0, Math.max(0, space)));
        } catch (NumberFormatException e) {
            return; // not ours: another writer on the topic
        }
        listeners.tell(message.substring(space + 1), Duration.ofMillis(millis));
    }
}
