/**
 * Policies: what each tool does ({@link io.github.parallel4j.policy.SideEffect}), which resource keys it touches
 * ({@link io.github.parallel4j.policy.ResourceKeyTemplate}) and which integration it calls, read once from
 * annotations or given by name ({@link io.github.parallel4j.policy.ToolPolicy}).
 */
package io.github.parallel4j.policy;
