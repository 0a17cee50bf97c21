package io.github.parallel4j.internal.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.internal.Json;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.invocation.LangChain4jManaged;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import io.github.parallel4j.internal.plan.ArgumentReader;
import io.github.parallel4j.internal.plan.ParsedArguments;
import io.github.parallel4j.internal.policy.CanonicalJson;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a call's arguments exactly as LangChain4j's tool executor will, so that the library plans with the values
 * the tool receives: the text is parsed by LangChain4j's own {@code ToolExecutionRequestUtil.argumentsAsMap}
 * (which repairs a double-encoded JSON string and trailing commas), or, for a strict JSON object, by the mapper
 * that method reads with, straight into a tree ({@link #LANGCHAIN4J_JSON}), and each argument of a Java tool method is
 * coerced to its parameter's type by {@code DefaultToolExecutor.coerceArgument} ({@code 1}, {@code 1.0},
 * {@code "1"}, {@code " 1"} and {@code "01"} are all {@code 1L} for a {@code long}). Those two are not public in
 * LangChain4j 1.19; they are called reflectively, and should a later LangChain4j lack them, arguments are read
 * as strict JSON and keyed by their JSON values (a warning says so once).
 *
 * <p>Tools without a Java method (tool providers, MCP) receive the JSON as the model wrote it, so their values are
 * taken as JSON: numbers by value, strings exactly as written (no trimming, no change of case).
 *
 * <p>Thread-safe. Internal: not part of the public API.
 */
final class LangChain4jArguments implements ArgumentReader {

    private static final Logger log = LoggerFactory.getLogger(LangChain4jArguments.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Method ARGUMENTS_AS_MAP = find("dev.langchain4j.service.tool.ToolExecutionRequestUtil",
            "argumentsAsMap", String.class);
    private static final Method COERCE = find(DefaultToolExecutor.class.getName(), "coerceArgument",
            Object.class, String.class, Class.class, Type.class);
    private static final Method DEFAULT_VALUE = find(DefaultToolExecutor.class.getName(), "parseDefaultValue",
            String.class, String.class, Class.class, Type.class);
    /**
     * The mapper of LangChain4j's own Jackson codec, when it reads arguments with it: a text that is a strict JSON
     * object is read by that mapper straight into a tree, which has the values its map would have (the same parser
     * and number features, including any a Jackson module on the classpath switched on for it; only the fallback,
     * for text that is not strict JSON, repairs), and spares a map and its conversion per call. Null with a codec of
     * the application's own (a {@code JsonCodecFactory}): every text then goes through LangChain4j.
     */
    private static final ObjectMapper LANGCHAIN4J_JSON = langChain4jMapper();

    /**
     * The parameters the model gives of each tool that has a Java method, by tool name: read from the method once,
     * since reflection copies its parameters and annotations on every look.
     */
    private final Map<String, List<ModelParameter>> methods = new ConcurrentHashMap<>();

    /**
     * Coerces this tool's arguments by its method's parameters from now on, or takes them as JSON.
     *
     * @param tool the tool's name
     * @param method the method LangChain4j's executor prepares arguments for (its original method), or null for a
     *     tool without one
     */
    void method(String tool, Method method) {
        if (method == null) {
            methods.remove(tool);
        } else {
            methods.put(tool, ModelParameter.of(method));
        }
    }

    @Override
    public ParsedArguments parse(String arguments) {
        if (LANGCHAIN4J_JSON != null && ARGUMENTS_AS_MAP != null && arguments != null && !arguments.isBlank()) {
            JsonNode strict = strictObject(arguments);
            if (strict != null) {
                return ParsedArguments.parsed(strict);
            }
        }
        return asLangChain4jReadsThem(arguments);
    }

    /**
     * The arguments read by LangChain4j's {@code argumentsAsMap}, with its repairs, as a tree: what {@link #parse}
     * gives for any text, and reads itself for every text that is not a strict JSON object.
     */
    ParsedArguments asLangChain4jReadsThem(String arguments) {
        if (ARGUMENTS_AS_MAP == null) {
            return ArgumentReader.JSON.parse(arguments);
        }
        Object map;
        try {
            map = ARGUMENTS_AS_MAP.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            return ParsedArguments.failed(cause instanceof Exception x ? x : e);
        } catch (IllegalAccessException e) {
            return ArgumentReader.JSON.parse(arguments);
        }
        if (map == null) {
            return ParsedArguments.failed(new IllegalArgumentException("the arguments must be a JSON object, not null"));
        }
        return ParsedArguments.parsed(JSON.valueToTree(map));
    }

    @Override
    public JsonNode canonical(String tool, JsonNode arguments, Predicate<String> isReference) {
        List<ModelParameter> parameters = methods.get(tool);
        if (parameters == null || COERCE == null || arguments == null || !arguments.isObject()) {
            return CanonicalJson.of(arguments);
        }
        // Only the method's parameters: LangChain4j ignores any other field, so the tool cannot tell them apart.
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        for (ModelParameter parameter : parameters) {
            JsonNode given = arguments.get(parameter.name());
            JsonNode value;
            if (given != null && given.isTextual() && isReference.test(given.textValue())) {
                value = given; // another call's output: its value is known only once that call has run
            } else {
                value = received(parameter, given);
            }
            if (value != null) {
                values.set(parameter.name(), value);
            }
        }
        return values;
    }

    /** The text as a JSON object when it is one in strict JSON, else null (LangChain4j then reads and repairs it). */
    private static JsonNode strictObject(String arguments) {
        // LangChain4j's mapper, not this class's: a module may have changed how it reads numbers.
        char first = arguments.charAt(0);
        if (first != '{' && !Character.isWhitespace(first)) {
            return null; // a double-encoded object, or no object: LangChain4j's own reading decides
        }
        try {
            JsonNode tree = LANGCHAIN4J_JSON.readTree(arguments);
            return tree != null && tree.isObject() ? tree : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    /** @return whether a strict JSON object is read directly, not through LangChain4j (see {@link #LANGCHAIN4J_JSON}) */
    static boolean readsStrictObjectsDirectly() {
        return LANGCHAIN4J_JSON != null && ARGUMENTS_AS_MAP != null;
    }

    private static ObjectMapper langChain4jMapper() {
        try {
            Field codec = Json.class.getDeclaredField("CODEC");
            codec.setAccessible(true);
            Object value = codec.get(null);
            if (value == null || !value.getClass().getName().equals("dev.langchain4j.internal.JacksonJsonCodec")) {
                return null;
            }
            Method getter = value.getClass().getMethod("getObjectMapper");
            getter.setAccessible(true); // a public method of a class that is not
            Object mapper = getter.invoke(value);
            return mapper instanceof ObjectMapper m ? m : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // cannot tell: every text goes through LangChain4j
        }
    }

    /** The canonical value a parameter receives, or null for none. */
    private static JsonNode received(ModelParameter parameter, JsonNode given) {
        String name = parameter.name();
        try {
            if (given == null || given.isNull()) {
                if (parameter.optional() || parameter.defaultValue() == null || DEFAULT_VALUE == null) {
                    return null;
                }
                return toJson(DEFAULT_VALUE.invoke(null, parameter.defaultValue(), name, parameter.type(),
                        parameter.generic()));
            }
            return toJson(COERCE.invoke(null, plainValue(given), name, parameter.type(), parameter.generic()));
        } catch (InvocationTargetException | IllegalAccessException | JsonProcessingException | RuntimeException e) {
            // The tool will refuse this argument when it runs; until then it is keyed by its JSON value.
            return CanonicalJson.of(given);
        }
    }

    /**
     * A JSON value as the plain Java value LangChain4j's map of arguments holds: what Jackson's untyped reading gives
     * ({@code treeToValue(given, Object.class)}), read straight off the node for a string, a boolean and an
     * {@code int} or {@code long} (each call of a batch that de-duplication compares coerces its arguments, on the
     * way to its first start), through Jackson for anything else.
     */
    static Object plainValue(JsonNode given) throws JsonProcessingException {
        if (given.isTextual()) {
            return given.textValue();
        }
        if (given.isBoolean()) {
            return given.booleanValue();
        }
        if (given.isInt() || given.isLong()) {
            return given.numberValue();
        }
        return JSON.treeToValue(given, Object.class);
    }

    /** A Java value as canonical JSON: scalars directly, anything else through LangChain4j's own JSON codec. */
    static JsonNode toJson(Object value) throws JsonProcessingException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof String || value instanceof Character || value instanceof UUID) {
            return nodes.textNode(value.toString());
        }
        if (value instanceof Enum<?> e) {
            return nodes.textNode(e.name());
        }
        if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return CanonicalJson.of(nodes.numberNode(((Number) value).longValue())); // as valueToTree, without Jackson
        }
        if (value instanceof Number) {
            return CanonicalJson.of(JSON.valueToTree(value));
        }
        return CanonicalJson.of(JSON.readTree(Json.toJson(value)));
    }

    /**
     * A parameter of a tool method that the model gives (LangChain4j fills the others from the invocation), as
     * LangChain4j's executor looks it up and coerces it.
     *
     * @param name {@code @P(name)}, else the parameter's name
     * @param type the type its value is coerced to: for an {@code Optional<T>}, {@code T}'s class
     * @param generic the generic type its value is coerced to: for an {@code Optional<T>}, {@code T}
     * @param optional whether it is an {@code Optional}, which no default value fills
     * @param defaultValue its {@code @P(defaultValue)}, or null for none
     */
    private record ModelParameter(String name, Class<?> type, Type generic, boolean optional, String defaultValue) {

        static List<ModelParameter> of(Method method) {
            List<ModelParameter> parameters = new ArrayList<>();
            for (Parameter parameter : method.getParameters()) {
                if (fromModel(parameter)) {
                    parameters.add(of(parameter));
                }
            }
            return List.copyOf(parameters);
        }

        private static ModelParameter of(Parameter parameter) {
            Class<?> type = parameter.getType();
            Type generic = parameter.getParameterizedType();
            boolean optional = type == Optional.class;
            if (optional && generic instanceof ParameterizedType p) {
                generic = p.getActualTypeArguments()[0];
                type = generic instanceof Class<?> c ? c
                        : generic instanceof ParameterizedType q ? (Class<?>) q.getRawType() : Object.class;
            }
            P p = parameter.getAnnotation(P.class);
            String defaultValue = p == null || P.NO_DEFAULT.equals(p.defaultValue()) ? null : p.defaultValue();
            String name = p != null && p.name() != null && !p.name().isBlank() ? p.name() : parameter.getName();
            return new ModelParameter(name, type, generic, optional, defaultValue);
        }

        private static boolean fromModel(Parameter parameter) {
            Class<?> type = parameter.getType();
            return !parameter.isAnnotationPresent(ToolMemoryId.class)
                    && !InvocationParameters.class.isAssignableFrom(type)
                    && type != InvocationContext.class
                    && !LangChain4jManaged.class.isAssignableFrom(type);
        }
    }

    private static Method find(String type, String name, Class<?>... parameters) {
        try {
            Method method = Class.forName(type).getDeclaredMethod(name, parameters);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("LangChain4j's {}.{} is not available ({}): tool arguments are read as strict JSON and resource"
                    + " keys filled from JSON values, not from the values the tool receives", type, name, e.toString());
            return null;
        }
    }
}
