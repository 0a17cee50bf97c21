/**
 * Limits: resource-key locks ({@link io.github.parallel4j.limit.ResourceLocks}), per-integration concurrency caps
 * and Bucket4j rate limits ({@link io.github.parallel4j.limit.IntegrationGate}, behind
 * {@link io.github.parallel4j.limit.CallGate}), shared by every turn, and the fixed order in which one attempt takes
 * them without holding a thread ({@link io.github.parallel4j.limit.Admission}). Depends on no scheduling code.
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.limit;
