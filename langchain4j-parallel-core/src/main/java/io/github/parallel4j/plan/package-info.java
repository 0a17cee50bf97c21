/**
 * Planning: one AI message's calls become a dependency graph ({@link io.github.parallel4j.plan.Plan}) with data
 * edges from {@code $call_X.path} references ({@link io.github.parallel4j.plan.References}), conflict edges from
 * resource keys, cycle rejection and waves ({@link io.github.parallel4j.plan.Planner}).
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 * {@link io.github.parallel4j.TurnObserver} still hands out {@link io.github.parallel4j.plan.Plan} and
 * {@link io.github.parallel4j.plan.PlannedCall}; read them there, depend on nothing else here.
 */
package io.github.parallel4j.plan;
