/**
 * The turn timeline ({@link TurnTimeline}): a finished turn, or a whole conversation,
 * as a Gantt chart in text or self-contained HTML, with why each call waited.
 */
package io.github.parallel4j.observe;
