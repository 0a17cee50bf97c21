/**
 * The only code that touches LangChain4j's tool loop: wrapped tool executors, the listener that captures each AI
 * message's batch, and per-invocation state ({@link io.github.parallel4j.langchain4j.Installation}).
 */
package io.github.parallel4j.langchain4j;
