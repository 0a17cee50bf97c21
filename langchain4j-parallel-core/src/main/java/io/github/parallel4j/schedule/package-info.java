/**
 * Scheduling: runs a plan as an eager graph on an executor, with resource-key locks across turns, limits, a turn
 * budget and cancellation ({@link io.github.parallel4j.schedule.TurnScheduler},
 * {@link io.github.parallel4j.schedule.TurnRun}).
 */
package io.github.parallel4j.schedule;
