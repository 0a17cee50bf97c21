package io.github.parallel4j.internal.plan;

import io.github.parallel4j.internal.Internal;

/**
 * One tool call as the model sent it: the provider's call id (possibly {@code null} or repeated), the tool's
 * name and the raw JSON arguments.
 *
 * @param id the provider's call id, may be null
 * @param name the tool's name
 * @param arguments the arguments as JSON text, may be null or empty for none
 */
@Internal
public record CallRequest(String id, String name, String arguments) {}
