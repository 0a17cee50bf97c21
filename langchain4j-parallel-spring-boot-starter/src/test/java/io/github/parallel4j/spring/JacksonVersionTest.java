package io.github.parallel4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The starter's tests run on the Jackson core was built and tested with, not on the one Spring Boot's dependency
 * management would pick: a behaviour proven here is the behaviour core's tests proved.
 */
class JacksonVersionTest {

    @Test
    void should_test_against_cores_jackson_when_spring_boot_manages_another() throws IOException {
        Properties build = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/io/github/parallel4j/langchain4j-parallel.properties")) {
            assertThat(in).as("core's build properties").isNotNull();
            build.load(in);
        }

        assertThat(PackageVersion.VERSION.toString()).isEqualTo(build.getProperty("jackson.tested"));
    }
}
