/**
 * Limits: resource-key locks ({@link ResourceLocks}), per-integration concurrency caps and Bucket4j rate limits
 * ({@link IntegrationGate}, behind {@link CallGate}), shared by every turn, and the fixed order in which one attempt
 * takes them without holding a thread ({@link Admission}). Depends on no scheduling code.
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.internal.limit;
