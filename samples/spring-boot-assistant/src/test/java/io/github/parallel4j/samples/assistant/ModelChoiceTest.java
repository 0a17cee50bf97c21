package io.github.parallel4j.samples.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;

/** Like harbor-triage, the sample calls a real model only when all three OPENAI_* variables are set. */
class ModelChoiceTest {

    @Test
    void should_stay_offline_when_only_the_api_key_is_set() {
        assertThat(AssistantApplication.chooseModel("", "sk-exported-for-other-tools", ""))
                .isInstanceOf(ScriptedSupportModel.class);
        assertThat(AssistantApplication.chooseModel("http://127.0.0.1:1/v1", "sk-x", " "))
                .isInstanceOf(ScriptedSupportModel.class);
    }

    @Test
    void should_stay_offline_when_nothing_is_set() {
        assertThat(AssistantApplication.chooseModel("", "", "")).isInstanceOf(ScriptedSupportModel.class);
    }

    @Test
    void should_use_the_openai_endpoint_when_all_three_are_set() {
        assertThat(AssistantApplication.chooseModel("http://127.0.0.1:1/v1", "unused", "qwen2.5:7b"))
                .isInstanceOf(OpenAiChatModel.class);
    }
}
