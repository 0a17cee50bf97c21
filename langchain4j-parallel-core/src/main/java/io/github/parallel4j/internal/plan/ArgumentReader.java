package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.policy.CanonicalJson;
import java.util.function.Predicate;

/**
 * How the planner reads a call's arguments: the model's text into a JSON object, and that object into the
 * values the tool will receive, which fill resource keys and decide which reads are the same read. The library
 * reads them as LangChain4j's tool executor does; {@link #JSON} is a plain reader for planning without it.
 */
@Internal
public interface ArgumentReader {

    /**
     * Strict JSON, and values as written except numbers, which are taken by value ({@code 1} = {@code 1.0}).
     */
    ArgumentReader JSON = new ArgumentReader() {
        private final ObjectMapper json = new ObjectMapper();

        @Override
        public ParsedArguments parse(String arguments) {
            if (arguments == null || arguments.isBlank()) {
                return ParsedArguments.parsed(JsonNodeFactory.instance.objectNode());
            }
            try {
                JsonNode node = json.readTree(arguments);
                return node != null && node.isObject()
                        ? ParsedArguments.parsed(node)
                        : ParsedArguments.failed(new IllegalArgumentException("the arguments must be a JSON object"));
            } catch (JsonProcessingException e) {
                return ParsedArguments.failed(e);
            }
        }

        @Override
        public JsonNode canonical(String tool, JsonNode arguments, Predicate<String> isReference) {
            return CanonicalJson.of(arguments);
        }
    };

    /**
     * Reads the model's text.
     *
     * @param arguments the arguments as the model sent them, may be null or blank for none
     * @return a JSON object, or the failure
     */
    ParsedArguments parse(String arguments);

    /**
     * The arguments as the tool will receive them, in {@link CanonicalJson canonical} form: equal for arguments
     * the tool cannot tell apart. A string holding a reference to another call's output is left as it is.
     *
     * @param tool the tool's name
     * @param arguments the parsed (or, once references are filled, resolved) arguments
     * @param isReference tells whether a string argument refers to another call's output
     * @return the canonical arguments, a JSON object
     */
    JsonNode canonical(String tool, JsonNode arguments, Predicate<String> isReference);
}
