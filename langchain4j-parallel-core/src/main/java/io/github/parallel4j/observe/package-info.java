/**
 * Observations: how each call's outcome is written for the model, as size-bounded JSON
 * ({@link io.github.parallel4j.observe.ObservationWriter}).
 *
 * <p>API: {@link io.github.parallel4j.observe.TurnTimeline}, the Gantt chart of a finished turn. Everything else
 * here is internal and free to change in any release.
 */
package io.github.parallel4j.observe;
