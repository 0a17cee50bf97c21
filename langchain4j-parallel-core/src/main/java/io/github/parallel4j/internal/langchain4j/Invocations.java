package io.github.parallel4j.internal.langchain4j;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.policy.Durations;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The AI service invocations one installation keeps state for, by invocation id.
 *
 * <p>A state is there only while its invocation needs it (see {@link InvocationState}): every executor and
 * listener {@link #enter enters} it and {@link #leave leaves} it. A state nobody is inside and nothing is expected
 * of is dropped at once, so it goes between two model calls. One that still expects calls LangChain4j may never
 * hand over (its invocation ended without LangChain4j saying so: a tool that threw an {@code Error}, an error a
 * streaming handler swallowed) is dropped after the idle expiry, and its turns are cancelled then. A state is
 * never dropped while a caller is inside it or a thread holds or waits for its lock.
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

    /**
     * How long a failed invocation is remembered. A late call comes within seconds of the failure (the rest of a
     * stream being delivered), so this is a margin, not a promise to remember for the life of a conversation.
     */
    static final Duration FAILURE_MEMORY = Duration.ofMinutes(2);

    private final Cache<UUID, InvocationState> states;
    private final Cache<UUID, String> failed;
    /** The state of each call to an unknown tool in a current batch, by the request's identity. */
    private final Cache<ToolExecutionRequest, InvocationState> unknownCalls =
            Caffeine.newBuilder().weakKeys().weakValues().build();

    Invocations(Duration idleExpiry, Ticker ticker) {
        long idle = Durations.nanos(idleExpiry);
        com.github.benmanes.caffeine.cache.Ticker time = ticker::read;
        // Every change that may pin or unpin a state goes through the map (enter, leave, a lock's first user and
        // its last, a turn's end), so its expiry is always current.
        this.states = Caffeine.newBuilder().ticker(time).executor(Runnable::run)
                .expireAfter(new Expiry<UUID, InvocationState>() {
                    @Override
                    public long expireAfterCreate(UUID id, InvocationState state, long now) {
                        return state.pinned() ? Long.MAX_VALUE : idle;
                    }

                    @Override
                    public long expireAfterUpdate(UUID id, InvocationState state, long now, long remaining) {
                        return state.pinned() ? Long.MAX_VALUE : idle;
                    }

                    @Override
                    public long expireAfterRead(UUID id, InvocationState state, long now, long remaining) {
                        return remaining;
                    }
                })
                .removalListener((UUID id, InvocationState state, RemovalCause cause) -> {
                    if (cause == RemovalCause.EXPIRED && state != null) {
                        state.expired("the AI service invocation showed no sign of life for "
                                + Durations.format(idleExpiry) + " while this turn waited for its calls");
                    }
                })
                .build();
        this.failed = Caffeine.newBuilder().ticker(time).expireAfterWrite(FAILURE_MEMORY).build();
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
        InvocationState state = states.asMap().compute(id, (key, current) -> {
            InvocationState s = current != null ? current : new InvocationState(changed -> reexamine(key, changed));
            s.enter();
            return s;
        });
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
        states.asMap().computeIfPresent(id, (key, current) -> current == state && state.idle() ? null : current);
    }

    /** @return whether the invocation failed or was cancelled */
    boolean failed(UUID id) {
        return failed.getIfPresent(id) != null;
    }

    /** LangChain4j is done with the invocation's latest batch: it calls the model again, or it completed. */
    void passed(UUID id) {
        InvocationState state = states.getIfPresent(id);
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
            InvocationState known = state != null ? state : states.getIfPresent(id);
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
        states.cleanUp();
        return states.estimatedSize();
    }
}
