/**
 * Planning: one AI message's calls become a dependency graph ({@link io.github.parallel4j.plan.Plan}) with data
 * edges from {@code $call_X.path} references ({@link io.github.parallel4j.plan.References}), conflict edges from
 * resource keys, cycle rejection and waves ({@link io.github.parallel4j.plan.Planner}).
 */
package io.github.parallel4j.plan;
