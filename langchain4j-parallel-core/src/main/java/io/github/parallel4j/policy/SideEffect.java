package io.github.parallel4j.policy;

/**
 * What a tool does to the world, as far as scheduling is concerned.
 */
public enum SideEffect {
    /** Reads only: runs in parallel with anything that does not write one of its resource keys. */
    READ,
    /** Changes state: never overlaps a call on one of its keys, or, without keys, any call of its turn. */
    WRITE
}
