/**
 * Observations: how each call's outcome is written for the model, as size-bounded JSON
 * ({@link io.github.parallel4j.observe.ObservationWriter}), within its tool's limit, its share of the turn's and
 * the token limit ({@link io.github.parallel4j.observe.ObservationLimits}).
 *
 * <p>API: {@link io.github.parallel4j.observe.TurnTimeline}, the Gantt chart of a finished turn. Everything else
 * here is internal and free to change in any release.
 */
package io.github.parallel4j.observe;
