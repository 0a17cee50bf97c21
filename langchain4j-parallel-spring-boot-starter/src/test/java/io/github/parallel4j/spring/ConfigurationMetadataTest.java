package io.github.parallel4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.ParallelToolsConfig;
import io.github.parallel4j.policy.ToolPolicy;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;

/** The metadata IDEs complete {@code parallel-tools.*} from is generated, with a description for every property. */
class ConfigurationMetadataTest {

    @Test
    void should_describe_every_property_when_metadata_is_generated() throws Exception {
        JsonNode metadata = metadata();
        Map<String, JsonNode> properties = new HashMap<>();
        metadata.get("properties").forEach(p -> properties.put(p.get("name").asText(), p));

        List<String> expected = List.of("enabled", "fail-if-unsupported", "turn-timeout", "max-batch-size",
                "default-side-effect", "max-observation-chars", "max-turn-observation-chars", "envelope",
                "max-concurrent-calls", "max-concurrent-calls-per-turn", "deduplicate-reads", "describe-scheduling",
                "integrations", "tools", "observations.enabled", "observation-format", "tool-error-handling",
                "max-retries-per-turn", "rate-limit-retries", "max-retry-after", "tool-observation-chars",
                "max-observation-tokens", "share-cached-reads", "keep-truncated-results.max-chars",
                "keep-truncated-results.keep-for");
        for (String name : expected) {
            JsonNode property = properties.get("parallel-tools." + name);
            assertThat(property).as("parallel-tools." + name).isNotNull();
            assertThat(property.path("description").asText()).as("parallel-tools." + name).isNotBlank();
        }
        assertThat(properties.get("parallel-tools.turn-timeout").get("defaultValue").asText()).isEqualTo("60s");
        assertThat(properties.get("parallel-tools.envelope").path("deprecation").path("replacement").asText())
                .isEqualTo("parallel-tools.observation-format");
        assertThat(properties.get("parallel-tools.integrations").get("type").asText())
                .isEqualTo("java.util.Map<java.lang.String,io.github.parallel4j.spring.ParallelToolsProperties$Integration>");
        assertThat(properties.get("parallel-tools.tools").get("type").asText())
                .isEqualTo("java.util.Map<java.lang.String,io.github.parallel4j.spring.ParallelToolsProperties$Tool>");
    }

    /**
     * The defaults IDEs show are written out for them (the properties themselves stay unset until set): each must
     * be the library's own, the {@code ParallelToolsConfig.DEFAULT_*} constant, and match what an unset property
     * leaves.
     */
    @Test
    void should_show_the_librarys_own_default_when_a_property_has_one() throws Exception {
        Map<String, String> defaults = new HashMap<>();
        metadata().get("properties").forEach(p -> {
            if (p.has("defaultValue") && p.get("name").asText().startsWith("parallel-tools.")) {
                defaults.put(p.get("name").asText().substring("parallel-tools.".length()), p.get("defaultValue").asText());
            }
        });
        ParallelToolsConfig library = ParallelToolsConfig.ofDefaults();
        ConversionService convert = ApplicationConversionService.getSharedInstance();
        Map<String, Object> expected = new HashMap<>();
        expected.put("turn-timeout", library.turnTimeout().orElseThrow());
        expected.put("max-batch-size", library.maxBatchSize());
        expected.put("default-side-effect", ToolProperties.SideEffect.WRITE);
        expected.put("max-observation-chars", library.maxObservationChars());
        expected.put("max-turn-observation-chars", library.maxTurnObservationChars());
        expected.put("max-observation-tokens", library.maxObservationTokens());
        expected.put("observation-format", library.observationFormat());
        expected.put("tool-error-handling", library.toolErrorHandling());
        expected.put("max-concurrent-calls", library.maxConcurrentCalls());
        expected.put("max-concurrent-calls-per-turn", library.maxConcurrentCallsPerTurn());
        expected.put("max-retries-per-turn", library.maxRetriesPerTurn());
        expected.put("rate-limit-retries", library.rateLimitRetries());
        expected.put("max-retry-after", library.maxRetryAfter());
        expected.put("deduplicate-reads", library.deduplicateReads());
        expected.put("describe-scheduling", library.describeScheduling());
        expected.put("share-cached-reads", library.shareCachedReads());
        expected.put("enabled", true);
        expected.put("fail-if-unsupported", true);
        expected.put("observations.enabled", true);
        io.github.parallel4j.redis.RedisSharedLimits redis = io.github.parallel4j.redis.RedisSharedLimits
                .builder(org.mockito.Mockito.mock(org.redisson.Redisson.class)).build();
        expected.put("shared-limits.redis.enabled", false);
        expected.put("shared-limits.redis.namespace", redis.namespace());
        expected.put("shared-limits.redis.lease-margin", redis.leaseMargin());
        expected.put("shared-limits.redis.timeout", redis.timeout());
        expected.put("shared-limits.redis.on-failure", redis.onFailure());
        expected.put("shared-limits.redis.keyed-writes", redis.sharesKeyedWrites());

        assertThat(library.defaultPolicy()).isEqualTo(ToolPolicy.exclusiveWrite());
        assertThat(defaults).containsOnlyKeys(expected.keySet().toArray(String[]::new));
        expected.forEach((name, value) -> assertThat(convert.convert(defaults.get(name), value.getClass()))
                .as("parallel-tools." + name).isEqualTo(value));
    }

    private static JsonNode metadata() throws Exception {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
