/**
 * Observations: how each call's outcome is written for the model, as size-bounded JSON
 * ({@link ObservationWriter}), within its tool's limit, its share of the turn's
 * and the token limit ({@link ObservationLimits}); and the public records a
 * turn is reported in ({@link TurnReports}).
 *
 * <p>Internal: not part of the public API (docs/guide.md, "Public API"); public only so that the stage packages can
 * wire each other, and free to change in any release.
 */
package io.github.parallel4j.internal.observe;
