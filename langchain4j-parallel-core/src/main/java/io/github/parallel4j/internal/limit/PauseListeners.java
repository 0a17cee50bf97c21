package io.github.parallel4j.internal.limit;

import io.github.parallel4j.internal.Internal;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of a shared-limits backend's pauses ({@code SharedLimits.onPause}), held weakly: a
 * {@code ParallelTools} that is gone stops listening without being closed. A listener that throws is logged; the
 * others are still told.
 *
 * <p>Internal: public so that backends in other modules can use it. Thread-safe.
 */
@Internal
public final class PauseListeners {

    private static final Logger log = LoggerFactory.getLogger(PauseListeners.class);

    private final List<WeakReference<BiConsumer<String, Duration>>> listeners = new CopyOnWriteArrayList<>();

    /** @param listener told of every pause while its registrant keeps a reference to it */
    public void add(BiConsumer<String, Duration> listener) {
        listeners.removeIf(ref -> ref.get() == null);
        listeners.add(new WeakReference<>(listener));
    }

    /**
     * Tells every listener still there.
     *
     * @param integration the paused integration
     * @param retryAfter how long
     */
    public void tell(String integration, Duration retryAfter) {
        for (WeakReference<BiConsumer<String, Duration>> ref : listeners) {
            BiConsumer<String, Duration> listener = ref.get();
            if (listener == null) {
                listeners.remove(ref);
                continue;
            }
            try {
                listener.accept(integration, retryAfter);
            } catch (RuntimeException e) {
                log.error("A listener of integration '{}''s shared pause failed", integration, e);
            }
        }
    }

    /** @return whether no listener is left */
    public boolean isEmpty() {
        listeners.removeIf(ref -> ref.get() == null);
        return listeners.isEmpty();
    }
}
