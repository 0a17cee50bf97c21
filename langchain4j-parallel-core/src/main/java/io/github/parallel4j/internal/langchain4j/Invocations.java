package io.github.parallel4j.internal.langchain4j;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AI service invocations one installation keeps state for, by invocation id.
 *
 * <p>A state is there only while its invocation needs it (see {@link InvocationState}): every executor and
 * listener {@link #enter enters} it and {@link #leave leaves} it. A state nobody is inside and nothing is expected
 * of is dropped at once, so it goes between two model calls. One that still expects calls LangChain4j may never
 * hand over (its invocation ended without LangChain4j saying so: a tool that threw an {@code Error}, an error a
 * streaming handler swallowed) is dropped after the idle expiry, and its turns are cancelled then: the first call or
 * listener of any invocation to enter at least {@link #SWEEP_INTERVAL} after the last look drops every expired state
 * (as a cache with expiry does during its upkeep after a write), and {@link #size()} does too. A state is never
 * dropped while a caller is inside it or a thread holds or waits for its lock.
 *
 * <p>An invocation that failed or was cancelled while it had state is remembered, with a short reason, for
 * {@link #FAILURE_MEMORY}, so that a call arriving afterwards (a streaming model that still delivers a tool call
 * after its error, which it does within moments) is refused instead of run with a fresh state.
 *
 * <p>Thread-safe. A state is created, entered and dropped inside the map's atomic operations (leaving is an atomic
 * count, then a re-examination inside them); a state is never told anything (failed, passed, expired) inside them,
 * since that may complete its turns and call back here.
 */
final class Invocations {

    private static final Logger log = LoggerFactory.getLogger(Invocations.class);

    /**
     * How long a failed invocation is remembered. A late call comes within seconds of the failure (the rest of a
     * stream being delivered), so this is a margin, not a promise to remember for the life of a conversation.
     */
    static final Duration FAILURE_MEMORY = Duration.ofMinutes(2);

    /** How often, at most, entering looks for states past their idle expiry. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    /**
     * The states, each with its expiry ({@link Retention#expiresAt}), which only this map's atomic operations on
     * its key write. A plain concurrent map, not a cache with expiry: every call and listener of a turn enters and
     * leaves its state, so a turn makes four or more writes, and a cache that keeps an expiry order (a timer wheel, a
     * write buffer drained on the caller) costs several times a map's bin lock for each of them, while expiry is the
     * rare case of an invocation that ended without LangChain4j saying so.
     */
    private final ConcurrentHashMap<UUID, InvocationState> states = new ConcurrentHashMap<>();
    private final Cache<UUID, String> failed;
    /** The state of each call to an unknown tool in a current batch, by the request's identity. */
    private final Cache<ToolExecutionRequest, InvocationState> unknownCalls =
            Caffeine.newBuilder().weakKeys().weakValues().build();
    private final Ticker ticker;
    private final long idleNanos;
    private final long sweepNanos;
    private final String expiryReason;
    /** When entering last looked for expired states, on the ticker. */
    private final AtomicLong sweptAt;

    Invocations(Duration idleExpiry, Ticker ticker) {
        this.ticker = ticker;
        this.idleNanos = Durations.nanos(idleExpiry);
        this.sweepNanos = Math.min(idleNanos, Durations.nanos(SWEEP_INTERVAL));
        this.expiryReason = "the AI service invocation showed no sign of life for " + Durations.format(idleExpiry)
                + " while this turn waited for its calls";
        this.sweptAt = new AtomicLong(ticker.read());
        this.failed = Caffeine.newBuilder().ticker(ticker::read).expireAfterWrite(FAILURE_MEMORY).build();
    }

    /**
     * The invocation's state, created if need be and kept until {@link #leave}; a detached one when there is no
     * id. A state made for an invocation that already failed refuses every call.
     *
     * @param id the invocation's id, or null
     */
    InvocationState enter(UUID id) {
        if (id == null) {
            InvocationState detached = new InvocationState(state -> {});
            detached.enter();
            return detached;
        }
        long now = ticker.read();
        sweepIfDue(now);
        InvocationState[] expired = {null};
        InvocationState state = states.compute(id, (key, current) -> {
            InvocationState s = current;
            if (s != null && s.retention.expiredAt(now) && s.retention.dropIfUnused()) {
                expired[0] = s; // past its expiry, not swept yet: gone, as it would be from a cache with expiry
                s = null;
            }
            if (s == null) {
                s = new InvocationState(changed -> reexamine(key, changed));
            }
            s.enter();
            s.retention.expiresAt = Retention.NEVER;
            return s;
        });
        if (expired[0] != null) {
            tellExpired(expired[0]);
        }
        String failure = failed.getIfPresent(id); // after entering: fail() records it before it tells the state
        if (failure != null) {
            state.fail(failure);
        }
        return state;
    }

    void leave(UUID id, InvocationState state) {
        state.leave();
        // Still pinned after this leave: the expiry is already "never" (every pin arrives through a write of the map,
        // see InvocationState), nothing can be dropped, and whoever releases the last pin reads both counts after
        // its own release and re-examines then; of two last releases racing, at least one sees both counts at 0.
        if (id != null && !state.pinned()) {
            reexamine(id, state);
        }
    }

    /** Drops the state once nothing of its invocation runs, waits or is expected; else renews its expiry. */
    private void reexamine(UUID id, InvocationState state) {
        states.computeIfPresent(id, (key, current) -> {
            if (current != state) {
                return current;
            }
            if (state.idle()) {
                return null;
            }
            state.retention.expiresAt = state.pinned() ? Retention.NEVER
                    : Durations.deadline(ticker.read(), idleNanos);
            return current;
        });
    }

    /** Looks for expired states at most once per {@link #SWEEP_INTERVAL}, on the first thread to enter after it. */
    private void sweepIfDue(long now) {
        long last = sweptAt.get();
        if (now - last >= sweepNanos && sweptAt.compareAndSet(last, now)) {
            sweep(now);
        }
    }

    /**
     * Drops every state past its idle expiry and unused ({@link Retention#dropIfUnused()}), inside the map's
     * atomic operation on its key, then tells each it expired: its turns still waiting for calls are cancelled.
     */
    private void sweep(long now) {
        List<InvocationState> expired = null;
        for (Map.Entry<UUID, InvocationState> entry : states.entrySet()) {
            InvocationState candidate = entry.getValue();
            if (!candidate.retention.expiredAt(now)) {
                continue;
            }
            boolean[] dropped = {false};
            states.computeIfPresent(entry.getKey(), (key, current) -> {
                if (current == candidate && current.retention.expiredAt(now) && current.retention.dropIfUnused()) {
                    dropped[0] = true;
                    return null;
                }
                return current;
            });
            if (dropped[0]) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(candidate);
            }
        }
        if (expired != null) {
            expired.forEach(this::tellExpired); // outside the map: that completes its turns
        }
    }

    /** Cancels a dropped state's turns; one that fails to must not keep the others' from being told. */
    private void tellExpired(InvocationState state) {
        try {
            state.expired(expiryReason);
        } catch (RuntimeException e) {
            log.warn("Cancelling the turns of an expired AI service invocation failed", e);
        }
    }

    /** @return whether the invocation failed or was cancelled */
    boolean failed(UUID id) {
        return failed.getIfPresent(id) != null;
    }

    /** LangChain4j is done with the invocation's latest batch: it calls the model again, or it completed. */
    void passed(UUID id) {
        InvocationState state = states.get(id);
        if (state != null) {
            state.passed();
        }
    }

    /**
     * The invocation failed or was cancelled: every call of it still waiting or running is cancelled, and every
     * call that arrives later is refused. Nothing is remembered for an invocation the library has no state for
     * and that does not stream: no call of it can come later.
     *
     * @param id the invocation's id, or null for a detached state
     * @param state its state if the caller has it, else null
     * @param streaming whether calls of the invocation may still be delivered after the failure
     */
    void fail(UUID id, InvocationState state, String reason, boolean streaming) {
        if (id != null) {
            InvocationState known = state != null ? state : states.get(id);
            if (known != null || streaming) {
                failed.asMap().putIfAbsent(id, reason); // before the state is told: a call that comes next sees one
            }
            state = known;
        }
        if (state != null) {
            state.fail(reason);
        }
    }

    /** Remembers which state holds each of a new batch's calls to a tool nobody has. */
    void unknownCalls(InvocationState state, List<ToolExecutionRequest> requests) {
        for (ToolExecutionRequest request : requests) {
            unknownCalls.put(request, state);
        }
    }

    /** Lets the batch holding this very request go past it: LangChain4j has answered a call to an unknown tool. */
    void decided(ToolExecutionRequest request) {
        InvocationState state = unknownCalls.asMap().remove(request);
        if (state != null) {
            state.decided(request);
        }
    }

    /** @return how many invocations have state now */
    long size() {
        sweep(ticker.read());
        return states.size();
    }
}
