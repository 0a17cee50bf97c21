/**
 * Scheduling: runs a plan as an eager graph on an executor, within the limits of {@code limit}, a turn budget and
 * cancellation ({@link TurnScheduler}, {@link TurnRun}).
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.internal.schedule;
