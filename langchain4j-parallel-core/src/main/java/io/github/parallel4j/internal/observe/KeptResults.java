package io.github.parallel4j.internal.observe;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.Internal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Full results that were cut for the model, kept so that it can read the rest: each under a random handle and
 * the conversation it belongs to. A handle read from another conversation is not found, so one conversation can
 * never read another's results.
 *
 * <p>Bounded by total characters and by time since kept (Caffeine: least recently used first when over weight).
 * Thread-safe.
 */
@Internal
public final class KeptResults {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final Cache<String, Kept> cache;
    private final Duration keepFor;
    private final long maxChars;

    private record Kept(Object conversation, String text) {}

    /** A slice of a kept result. */
    public record Slice(String handle, int offset, String text, int total) {}

    /**
     * @param maxChars the most characters kept in all, at least 1
     * @param keepFor how long a result is kept after it was cut, positive
     * @param ticker the time source of expiry
     */
    public KeptResults(long maxChars, Duration keepFor, Ticker ticker) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
        }
        if (keepFor.isZero() || keepFor.isNegative()) {
            throw new IllegalArgumentException("keepFor must be positive, was " + keepFor);
        }
        this.keepFor = keepFor;
        this.maxChars = maxChars;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxChars)
                .weigher((String handle, Kept kept) -> Math.max(1, kept.text().length()))
                .expireAfterWrite(keepFor)
                .ticker(ticker::read)
                .build();
    }

    /**
     * Keeps a full result.
     *
     * @param conversation the conversation it belongs to
     * @param text the full result
     * @return its handle, or empty when the result alone is larger than everything that may be kept
     */
    public Optional<String> keep(Object conversation, String text) {
        if (text.length() > maxChars) {
            return Optional.empty();
        }
        String handle = newHandle();
        cache.put(handle, new Kept(conversation, text));
        return Optional.of(handle);
    }

    /**
     * Reads part of a kept result.
     *
     * @param conversation the conversation asking
     * @param handle the handle
     * @param offset the first character, from 0
     * @param length how many characters at most, counted as written in JSON (an escaped character counts 2 or 6)
     * @return the slice, or empty when no result of this conversation has the handle (never kept, another
     *     conversation's, or expired)
     */
    public Optional<Slice> read(Object conversation, String handle, int offset, int length) {
        Kept kept = handle == null ? null : cache.getIfPresent(handle);
        if (kept == null || !Objects.equals(kept.conversation(), conversation)) {
            return Optional.empty();
        }
        String text = kept.text();
        int total = text.length();
        int from = Math.min(Math.max(0, offset), total);
        if (from > 0 && from < total && Character.isLowSurrogate(text.charAt(from))
                && Character.isHighSurrogate(text.charAt(from - 1))) {
            from--; // never start inside a surrogate pair
        }
        // Length counts characters as they will be written in JSON: escapes take room too.
        int to = from;
        int room = Math.max(0, length);
        while (to < total) {
            int width = JsonText.escapedLength(text.charAt(to));
            boolean pair = Character.isHighSurrogate(text.charAt(to)) && to + 1 < total;
            if (room < width + (pair ? 1 : 0)) {
                break;
            }
            room -= width + (pair ? 1 : 0);
            to += pair ? 2 : 1;
        }
        return Optional.of(new Slice(handle, from, text.substring(from, to), total));
    }

    /** @return how long results are kept */
    public Duration keepFor() {
        return keepFor;
    }

    /** @return the characters kept now (after pending evictions) */
    public long keptChars() {
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    private static String newHandle() {
        char[] handle = new char[12];
        for (int i = 0; i < handle.length; i++) {
            handle[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return "r_" + new String(handle);
    }
}
