/**
 * Policies for tools without a Java method to annotate (a {@code ToolProvider}'s, an MCP server's): whether a tool
 * reads or writes, which resource keys it touches and which integration it calls ({@link ToolPolicy}), and what its
 * failure means for its turn
 * ({@link FailurePolicy}). Annotated {@code @Tool} methods get the same policies from
 * their annotations.
 */
package io.github.parallel4j.policy;
