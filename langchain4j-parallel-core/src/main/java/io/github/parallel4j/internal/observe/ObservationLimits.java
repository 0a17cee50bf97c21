package io.github.parallel4j.internal.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.internal.Internal;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.schedule.CallOutcome;
import java.util.List;

/**
 * How large each observation may be, and its text within that: a tool's own limit
 * ({@code maxObservationChars}, or {@code toolObservationChars}), its fair share of the turn's
 * ({@code maxTurnObservationChars}), and the token limit ({@code maxObservationTokens}), which narrows the
 * character allowance by the text's own ratio of characters to tokens until it fits. A result that is cut is kept
 * for read-back under a handle, when results are kept. Internal: not part of the public API.
 *
 * <p>Thread-safe: it holds settings only; the kept results are thread-safe themselves.
 */
@Internal
public final class ObservationLimits {

    /** Rounds of narrowing to the token limit: the ratio of characters to tokens settles in one or two. */
    private static final int TOKEN_ROUNDS = 4;

    private final ObservationWriter writer = new ObservationWriter();
    private final ParallelToolsConfig config;
    private final TokenCountEstimator tokens;
    private final KeptResults kept;
    /** Told of each cut. */
    private final Truncations truncations;

    /**
     * @param config the limits
     * @param kept where cut results are kept for read-back, or null for not at all
     * @param truncations told of each cut, with the observation's full size and the allowance it was cut to
     */
    public ObservationLimits(ParallelToolsConfig config, KeptResults kept, Truncations truncations) {
        this.config = config;
        this.tokens = config.maxObservationTokens() == ParallelToolsConfig.NO_LIMIT
                ? null
                : config.tokenCountEstimator().orElse(null);
        this.kept = kept;
        this.truncations = truncations;
    }

    /**
     * The limit of one tool's observations on its own, before any share of its turn.
     *
     * @param tool the tool's name
     * @return 0 when its results are never cut (not even by the turn's share), else the most characters
     *     ({@link Integer#MAX_VALUE} when there is no limit of one observation)
     */
    public int ownLimit(String tool) {
        Integer own = config.toolObservationChars().get(tool);
        if (own != null) {
            return own;
        }
        return config.maxObservationChars() == ParallelToolsConfig.NO_LIMIT ? Integer.MAX_VALUE
                : config.maxObservationChars();
    }

    /** @return whether the observations of one turn share a limit */
    public boolean sharesTurns() {
        return config.maxTurnObservationChars() != ParallelToolsConfig.NO_LIMIT;
    }

    /**
     * Each observation's fair share of the turn's limit, from their full sizes.
     *
     * @param outcomes every outcome of the turn, in the plan's order
     * @return each one's share, in the same order
     */
    public int[] shares(List<CallOutcome> outcomes) {
        int[] sizes = new int[outcomes.size()];
        for (int i = 0; i < sizes.length; i++) {
            CallOutcome o = outcomes.get(i);
            sizes[i] = writer.fullSize(o, o.ok() ? o.output().value() : null);
        }
        return TurnShare.of(sizes, config.maxTurnObservationChars(), ObservationWriter.MIN_CHARS);
    }

    /**
     * The observation's text within its character allowance and the token limit. When it had to be cut, its full
     * result is kept under a handle the text names (when results are kept) and the cut is reported.
     *
     * @param outcome how the call ended
     * @param maxChars the allowance; 0 for never cut
     * @param keptScope whose kept results the handle belongs to (see {@link KeptResults#keep})
     * @return the observation
     */
    public String write(CallOutcome outcome, int maxChars, Object keptScope) {
        JsonNode value = outcome.ok() ? outcome.output().value() : null;
        int full = writer.fullSize(outcome, value);
        int limit = maxChars <= 0 ? Integer.MAX_VALUE : Math.max(ObservationWriter.MIN_CHARS, maxChars);
        String uncut = null;
        if (tokens != null && value != null && maxChars != 0) {
            uncut = writer.write(outcome, value, 0);
            int counted = tokens.estimateTokenCountInText(uncut);
            if (counted > config.maxObservationTokens()) {
                limit = Math.min(limit, charsFor(uncut.length(), counted));
            }
        }
        if (full <= limit) {
            return uncut != null ? uncut : writer.write(outcome, value, 0);
        }
        String handle = kept == null || value == null ? null
                : kept.keep(keptScope, value.isTextual() ? value.textValue() : value.toString()).orElse(null);
        String text = writer.write(outcome, value, limit, handle);
        truncations.observationTruncated(outcome.call(), full, limit);
        for (int round = 0; round < TOKEN_ROUNDS && tokens != null && limit > ObservationWriter.MIN_CHARS; round++) {
            int counted = tokens.estimateTokenCountInText(text);
            if (counted <= config.maxObservationTokens()) {
                break;
            }
            limit = Math.max(ObservationWriter.MIN_CHARS, Math.min(limit - 1, charsFor(text.length(), counted)));
            text = writer.write(outcome, value, limit, handle);
        }
        return text;
    }

    /**
     * The size of one slice of a kept result that the {@code read_result} tool returns: a slice is measured as
     * written in JSON, and the envelope around it needs a few hundred characters more.
     *
     * @return the slice's characters, {@link ParallelToolsConfig#NO_LIMIT} when one observation has no limit
     */
    public int sliceChars() {
        return config.maxObservationChars() == ParallelToolsConfig.NO_LIMIT
                ? ParallelToolsConfig.NO_LIMIT
                : Math.max(ObservationWriter.MIN_CHARS, config.maxObservationChars() - 400);
    }

    /** The characters that should hold the token limit, at the text's own ratio of characters to tokens. */
    private int charsFor(int chars, int counted) {
        return (int) Math.max(ObservationWriter.MIN_CHARS,
                (long) chars * config.maxObservationTokens() / Math.max(1, counted) * 95 / 100);
    }

    /** Told of each observation cut to fit its allowance (the turn observers, as one). */
    @FunctionalInterface
    public interface Truncations {

        /**
         * @param call the call whose observation was cut
         * @param fullChars the observation's length uncut
         * @param keptChars the allowance it was cut to
         */
        void observationTruncated(PlannedCall call, int fullChars, int keptChars);
    }
}
