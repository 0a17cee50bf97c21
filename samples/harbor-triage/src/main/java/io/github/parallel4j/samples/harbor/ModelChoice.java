package io.github.parallel4j.samples.harbor;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which model the assistant talks to: the offline {@link ScriptedTriageModel}, or any OpenAI-compatible endpoint
 * when {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY} and {@code OPENAI_MODEL} are all set. All three are
 * required, so that a key exported for other tools does not silently turn the offline demo into paid calls.
 */
public final class ModelChoice {

    /** The environment variables that select an OpenAI-compatible endpoint. */
    public static final List<String> OPENAI_VARIABLES = List.of("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL");

    private final String baseUrl;
    private final String apiKey;
    private final String modelName;
    private final String note;

    private ModelChoice(String baseUrl, String apiKey, String modelName, String note) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.modelName = modelName;
        this.note = note;
    }

    /**
     * @param env looks up an environment variable, null when unset (injectable so tests need no real environment)
     * @param forceScripted whether to stay offline whatever the environment says
     * @return the choice
     */
    public static ModelChoice from(Function<String, String> env, boolean forceScripted) {
        List<String> missing = new ArrayList<>();
        for (String name : OPENAI_VARIABLES) {
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                missing.add(name);
            }
        }
        if (forceScripted) {
            return new ModelChoice(null, null, null, missing.size() < OPENAI_VARIABLES.size()
                    ? "--scripted: ignoring the OPENAI_* variables" : null);
        }
        if (!missing.isEmpty()) {
            String note = missing.size() < OPENAI_VARIABLES.size()
                    ? "some OPENAI_* variables are set but not " + String.join(", ", missing)
                            + ": using the scripted model"
                    : null;
            return new ModelChoice(null, null, null, note);
        }
        return new ModelChoice(env.apply("OPENAI_BASE_URL").trim(), env.apply("OPENAI_API_KEY").trim(),
                env.apply("OPENAI_MODEL").trim(), null);
    }

    /** @return whether this is the offline scripted model */
    public boolean scripted() {
        return baseUrl == null;
    }

    /** @return a note worth printing about how the choice was made, if any */
    public Optional<String> note() {
        return Optional.ofNullable(note);
    }

    /** @return the model, e.g. {@code scripted model (offline)} or {@code gpt-4o-mini at https://...} */
    public String describe() {
        return scripted() ? "scripted model (offline)" : modelName + " at " + baseUrl;
    }

    /** @return a new model: each run gets its own */
    public ChatModel newModel() {
        if (scripted()) {
            return new ScriptedTriageModel();
        }
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(modelName)
                .timeout(Duration.ofSeconds(120))
                .build();
    }
}
