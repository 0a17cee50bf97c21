/**
 * Observations: how each call's outcome is written for the model, as size-bounded JSON
 * ({@link io.github.parallel4j.observe.ObservationWriter}), within its tool's limit, its share of the turn's and
 * the token limit ({@link io.github.parallel4j.observe.ObservationLimits}).
 */
package io.github.parallel4j.observe;
