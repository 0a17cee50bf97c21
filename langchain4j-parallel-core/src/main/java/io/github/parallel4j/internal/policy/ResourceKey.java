package io.github.parallel4j.internal.policy;

import io.github.parallel4j.internal.Internal;
import java.util.Objects;

/**
 * A resource key filled from one call's arguments, such as {@code order:42}.
 *
 * <p>When an argument the key needs is itself a reference to another call's output, its value is not known
 * when the turn is planned; the key is then <em>open</em>: only the text before the unknown value is known, and
 * the key conflicts with every key that starts with that prefix. That is conservative: such calls may be
 * ordered when they did not need to be, never the other way round.
 *
 * @param text the key, or its known prefix when {@code open}
 * @param open whether only the prefix is known
 */
@Internal
public record ResourceKey(String text, boolean open) {

    public ResourceKey {
        Objects.requireNonNull(text, "text");
    }

    /**
     * A key whose whole text is known.
     *
     * @param text the key
     * @return the key
     */
    public static ResourceKey of(String text) {
        return new ResourceKey(text, false);
    }

    /**
     * Whether a call holding this key and a call holding {@code other} could touch the same resource.
     *
     * @param other the other key
     * @return true when the two keys may name the same resource
     */
    public boolean mayMatch(ResourceKey other) {
        if (!open && !other.open) {
            return text.equals(other.text);
        }
        if (open && other.open) {
            return text.startsWith(other.text) || other.text.startsWith(text);
        }
        return open ? other.text.startsWith(text) : text.startsWith(other.text);
    }

    @Override
    public String toString() {
        return open ? text + "*" : text;
    }
}
