package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.core.JsonProcessingException;

/** What the model is told about arguments that could not be read: the JSON parser's own words when it has some. */
final class ArgumentFailures {

    private ArgumentFailures() {}

    static String describe(Exception failure, String arguments) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof JsonProcessingException json) {
                return "the arguments are not valid JSON: " + json.getOriginalMessage();
            }
        }
        String message = failure.getMessage();
        return (message == null || message.isBlank() ? "the arguments could not be read" : message) + ", got: "
                + abbreviate(arguments);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
