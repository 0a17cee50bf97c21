package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;
import io.github.parallel4j.internal.schedule.CallRunner;
import io.github.parallel4j.internal.schedule.ToolOutput;
import java.util.Optional;
import java.util.Set;

/**
 * The read cache around the calls of one turn: a read marked {@code @CacheFor} is answered from the cache when an
 * identical one ran in the same scope within its time to live, and its output is kept once it ran; a write makes
 * the cache forget the reads it may have changed, whether it succeeded or not (a write that failed may have
 * changed something too).
 *
 * <p>The scheduler asks {@link #cached} once the call holds its resource-key locks, so no write to its keys is
 * still running when the cache answers.
 */
final class CachedReads implements CallRunner {

    private final CallRunner calls;
    private final ReadCache cache;
    private final Object scope;

    /**
     * @param calls runs the tools
     * @param cache the cache, shared by every installation of a {@code ParallelTools}
     * @param scope whose cached reads these calls see (see {@link ResultScope})
     */
    CachedReads(CallRunner calls, ReadCache cache, Object scope) {
        this.calls = calls;
        this.cache = cache;
        this.scope = scope;
    }

    /**
     * A call the library does not run may write anything: every cached read of the scope is forgotten.
     *
     * @param cache the cache
     * @param scope the scope whose reads to forget
     */
    static void unknownWrite(ReadCache cache, Object scope) {
        cache.written(scope, Set.of());
    }

    @Override
    public Optional<ToolOutput> cached(PlannedCall call, JsonNode arguments) {
        return call.policy().cachedFor().isPresent()
                ? cache.get(scope, call.name(), call.canonicalArguments(arguments))
                : Optional.empty();
    }

    @Override
    public ToolOutput run(PlannedCall call, JsonNode arguments) throws Exception {
        try {
            ToolOutput output = calls.run(call, arguments);
            call.policy().cachedFor().ifPresent(ttl -> cache.put(scope, call.name(),
                    call.canonicalArguments(arguments), output, ttl, keys(call, arguments)));
            return output;
        } finally {
            if (call.policy().isWrite()) {
                cache.written(scope, keys(call, arguments));
            }
        }
    }

    /** The call's filled keys; none (so: forget the whole scope, as for an exclusive write) when they cannot be filled. */
    private static Set<String> keys(PlannedCall call, JsonNode arguments) {
        try {
            return Set.copyOf(call.filledKeys(arguments));
        } catch (ResourceKeyTemplate.MissingArgumentException e) {
            return Set.of(); // the scheduler refuses such a call before it runs; forgetting too much is the safe side
        }
    }
}
