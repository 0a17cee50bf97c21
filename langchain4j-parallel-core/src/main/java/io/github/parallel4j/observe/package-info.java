/**
 * Observations: how each call's outcome is written for the model, as size-bounded JSON
 * ({@link io.github.parallel4j.observe.ObservationWriter}).
 */
package io.github.parallel4j.observe;
