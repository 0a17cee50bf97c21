/**
 * The only code that touches LangChain4j's tool loop: wrapped tool executors, the listener that captures each AI
 * message's batch, and per-invocation state, one installation per AI service builder
 * ({@link io.github.parallel4j.langchain4j.Installations}).
 */
package io.github.parallel4j.langchain4j;
