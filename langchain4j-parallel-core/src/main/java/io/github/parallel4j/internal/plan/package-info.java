/**
 * Planning: one AI message's calls become a dependency graph ({@link Plan}) with data
 * edges from {@code $call_X.path} references ({@link References}), conflict edges from
 * resource keys, cycle rejection and waves ({@link Planner}).
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.internal.plan;
