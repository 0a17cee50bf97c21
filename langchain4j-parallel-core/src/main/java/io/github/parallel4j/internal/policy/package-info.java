/**
 * Resource keys ({@link ResourceKeyTemplate}, filled by value from a call's
 * arguments), canonical JSON and duration parsing, behind the public {@link io.github.parallel4j.policy.ToolPolicy}.
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.internal.policy;
