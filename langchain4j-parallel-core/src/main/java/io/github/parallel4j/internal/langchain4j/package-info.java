/**
 * The only code that touches LangChain4j's tool loop: wrapped tool executors, the listener that captures each AI
 * message's batch, and per-invocation state, one installation per AI service builder
 * ({@link Installations}).
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.internal.langchain4j;
