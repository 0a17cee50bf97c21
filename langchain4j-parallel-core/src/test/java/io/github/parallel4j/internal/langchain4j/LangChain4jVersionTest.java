package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.parallel4j.ParallelTools;
import org.junit.jupiter.api.Test;

class LangChain4jVersionTest {

    @Test
    void should_name_the_version_found_and_the_fix_when_langchain4j_is_older_than_supported() {
        UnsupportedLangChain4jException e = LangChain4jVersion.check("dev.langchain4j:langchain4j", "1.12.2").orElseThrow();

        assertThat(e.found()).isEqualTo("1.12.2");
        assertThat(e.artifact()).isEqualTo("dev.langchain4j:langchain4j");
        assertThat(e.oldestSupported()).isEqualTo(LangChain4jVersion.OLDEST_SUPPORTED);
        assertThat(e.getMessage())
                .contains("dev.langchain4j:langchain4j 1.12.2 is on the class path")
                .contains("needs LangChain4j " + LangChain4jVersion.OLDEST_SUPPORTED + " or newer")
                .contains("tested with " + LangChain4jVersion.tested())
                .contains("io.github.parallel4j:langchain4j-parallel-bom:")
                .doesNotContain("${");
    }

    @Test
    void should_accept_the_oldest_supported_and_every_newer_version_when_compared_numerically() {
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "1.17.0")).isEmpty();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "1.18.1")).isEmpty();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j-core", "1.23.0")).isEmpty();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "1.19.0-beta26")).isEmpty();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "2.0.0-SNAPSHOT")).isEmpty();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "1.9.0")).isPresent();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "1.16.1")).isPresent();
        assertThat(LangChain4jVersion.check("dev.langchain4j:langchain4j", "0.36.2")).isPresent();
    }

    @Test
    void should_read_the_version_on_the_class_path_from_the_jar_when_it_is_supported() {
        assertThat(LangChain4jVersion.found("langchain4j")).contains(LangChain4jVersion.tested());
        assertThat(LangChain4jVersion.found("langchain4j-core")).isPresent();
        assertThat(LangChain4jVersion.tested()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThatCode(LangChain4jVersion::requireSupported).doesNotThrowAnyException();
        assertThatCode(ParallelTools::builder).doesNotThrowAnyException();
    }

    @Test
    void should_refuse_an_artifact_it_does_not_check() {
        assertThatThrownBy(() -> LangChain4jVersion.found("langchain4j-open-ai"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'langchain4j-open-ai'");
    }
}
