/**
 * langchain4j-parallel: safe parallel execution of one AI message's tool calls for LangChain4j AI services.
 * Start with {@link io.github.parallel4j.ParallelTools}.
 */
package io.github.parallel4j;
