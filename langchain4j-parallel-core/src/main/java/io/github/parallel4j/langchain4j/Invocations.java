package io.github.parallel4j.langchain4j;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import io.github.parallel4j.policy.Durations;
import java.time.Duration;
import java.util.UUID;

/**
 * The AI service invocations one installation keeps state for, by invocation id.
 *
 * <p>A state is there only while its invocation needs it (see {@link InvocationState}): every executor and
 * listener {@link #enter enters} it and {@link #leave leaves} it, and it is dropped as soon as it is idle. So it
 * goes between two model calls, and nothing stays behind when an invocation ends without LangChain4j saying so
 * (a model that throws an {@code Error}). An invocation that failed or was cancelled is remembered, with why, for
 * the idle expiry, so that a call arriving afterwards (a streaming model that still delivers a tool call after its
 * error) is refused instead of run with a fresh state. A state whose end never comes is dropped after the same
 * time without use.
 *
 * <p>Thread-safe. A state is created, entered, left and dropped inside the map's atomic operations; a state is
 * never told anything (failed, passed) inside them, since that may complete its turns and call back here.
 */
final class Invocations {

    private final Cache<UUID, InvocationState> states;
    private final Cache<UUID, String> failed;

    Invocations(Duration idleExpiry) {
        long idle = Durations.nanos(idleExpiry);
        // Every change of a state goes through the map (enter, leave, drop), so its expiry is always current.
        this.states = Caffeine.newBuilder().expireAfter(new Expiry<UUID, InvocationState>() {
            @Override
            public long expireAfterCreate(UUID id, InvocationState state, long now) {
                return state.idle() ? idle : Long.MAX_VALUE;
            }

            @Override
            public long expireAfterUpdate(UUID id, InvocationState state, long now, long remaining) {
                return state.idle() ? idle : Long.MAX_VALUE;
            }

            @Override
            public long expireAfterRead(UUID id, InvocationState state, long now, long remaining) {
                return remaining;
            }
        }).build();
        this.failed = Caffeine.newBuilder().expireAfterWrite(idleExpiry).maximumSize(100_000).build();
    }

    /**
     * The invocation's state, created if need be and kept until {@link #leave}; a detached one when there is no
     * id. A state made for an invocation that already failed refuses every call.
     *
     * @param id the invocation's id, or null
     */
    InvocationState enter(UUID id) {
        if (id == null) {
            return new InvocationState(() -> {});
        }
        InvocationState state = states.asMap().compute(id, (key, current) -> {
            InvocationState s = current != null ? current : newState(key);
            s.enter();
            return s;
        });
        String failure = failed.getIfPresent(id); // after entering: fail() records it before it tells the state
        if (failure != null) {
            state.fail(failure);
        }
        return state;
    }

    private InvocationState newState(UUID id) {
        InvocationState[] self = new InvocationState[1];
        self[0] = new InvocationState(() -> dropIfIdle(id, self[0]));
        return self[0];
    }

    void leave(UUID id, InvocationState state) {
        if (id != null) {
            state.leave();
            dropIfIdle(id, state);
        }
    }

    /** Drops the state once nothing of its invocation runs, waits or is expected; else renews its expiry. */
    private void dropIfIdle(UUID id, InvocationState state) {
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
     * call that arrives later is refused.
     *
     * @param id the invocation's id, or null for a detached state
     * @param state its state if the caller has it, else null
     */
    void fail(UUID id, InvocationState state, String reason) {
        if (id != null) {
            failed.asMap().putIfAbsent(id, reason); // before the state is told: a call that comes next sees one
            if (state == null) {
                state = states.getIfPresent(id);
            }
        }
        if (state != null) {
            state.fail(reason);
        }
    }

    /** Lets the batch holding this very request go past it: LangChain4j has answered a call to an unknown tool. */
    void decided(ToolExecutionRequest request) {
        for (InvocationState state : states.asMap().values()) {
            if (state.decided(request)) {
                return;
            }
        }
    }

    /** @return how many invocations have state now */
    long size() {
        states.cleanUp();
        return states.estimatedSize();
    }
}
