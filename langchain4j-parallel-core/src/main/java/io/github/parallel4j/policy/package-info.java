/**
 * Policies: what each tool does ({@link io.github.parallel4j.policy.SideEffect}), which resource keys it touches
 * ({@link io.github.parallel4j.policy.ResourceKeyTemplate}) and which integration it calls, read once from
 * annotations or given by name ({@link io.github.parallel4j.policy.ToolPolicy}).
 *
 * <p>API: {@link io.github.parallel4j.policy.ToolPolicy}, {@link io.github.parallel4j.policy.FailurePolicy} and
 * {@link io.github.parallel4j.policy.SideEffect}, for tools without a Java method. Everything else here is internal
 * and free to change in any release.
 */
package io.github.parallel4j.policy;
