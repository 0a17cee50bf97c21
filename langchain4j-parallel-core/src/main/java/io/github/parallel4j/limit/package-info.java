/**
 * Limits: per-integration concurrency caps and Bucket4j rate limits, shared by every turn
 * ({@link io.github.parallel4j.limit.IntegrationGate}).
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.limit;
