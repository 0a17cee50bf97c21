package io.github.parallel4j.bench;

/** The AI service every benchmark drives: one user message in, the model's final answer out. */
public interface Assistant {

    /**
     * @param message the user's message; the scripted model derives the turn's tool calls from it
     * @return the model's answer
     */
    String chat(String message);
}
