package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.policy.Durations;
import io.github.parallel4j.internal.schedule.ToolOutput;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Successful results of reads marked cacheable, kept for each tool's own time and keyed by scope (the
 * installation and the conversation, see {@link ResultScope}), tool and canonical arguments (as the tool receives
 * them). Bounded by entry count. Thread-safe.
 */
final class ReadCache {

    /** The conversation of results shared by every conversation of an installation. */
    static final Object SHARED = new Object() {
        @Override
        public String toString() {
            return "shared";
        }
    };

    private record Entry(ToolOutput output, long ttlNanos, Set<String> resourceKeys) {}

    private final Cache<List<Object>, Entry> cache;

    /**
     * @param ticker the time source of expiry
     * @param maxEntries the most results kept
     */
    ReadCache(Ticker ticker, long maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker::read)
                .expireAfter(new Expiry<List<Object>, Entry>() {
                    @Override
                    public long expireAfterCreate(List<Object> key, Entry entry, long now) {
                        return entry.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(List<Object> key, Entry entry, long now, long remaining) {
                        return entry.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(List<Object> key, Entry entry, long now, long remaining) {
                        return remaining; // reading does not extend a result's life
                    }
                })
                .build();
    }

    Optional<ToolOutput> get(Object scope, String tool, JsonNode arguments) {
        Entry entry = cache.getIfPresent(key(scope, tool, arguments));
        return entry == null ? Optional.empty() : Optional.of(entry.output());
    }

    void put(Object scope, String tool, JsonNode arguments, ToolOutput output, Duration ttl,
            Set<String> resourceKeys) {
        cache.put(key(scope, tool, arguments), new Entry(output, Durations.nanos(ttl), Set.copyOf(resourceKeys)));
    }

    /**
     * A write succeeded: forget the cached reads it may have changed. A keyed write forgets the reads of its keys
     * in every scope (it changed the world, not one conversation's view of it); an exclusive write, whose effect
     * is unknown, forgets every cached read of its own scope.
     *
     * @param scope the writing call's scope
     * @param resourceKeys the write's keys; empty for an exclusive write
     */
    void written(Object scope, Set<String> resourceKeys) {
        if (resourceKeys.isEmpty()) {
            cache.asMap().keySet().removeIf(key -> Objects.equals(key.get(0), scope));
            return;
        }
        cache.asMap().values().removeIf(entry -> entry.resourceKeys().stream().anyMatch(resourceKeys::contains));
    }

    private static List<Object> key(Object scope, String tool, JsonNode arguments) {
        // Arrays.asList: List.of refuses nulls, and a key must never fail to be built.
        return Arrays.asList(scope, tool, arguments);
    }
}
