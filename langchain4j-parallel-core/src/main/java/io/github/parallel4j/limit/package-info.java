/**
 * Limits: per-integration concurrency caps and Bucket4j rate limits, shared by every turn
 * ({@link io.github.parallel4j.limit.IntegrationGate}).
 */
package io.github.parallel4j.limit;
