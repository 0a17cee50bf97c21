package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Shared rates' bucket names: distinct (integration, key) pairs never share a bucket, whatever their characters. */
class SharedKeysPropertyTest {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("a:%{}3A").ofMinLength(1).ofMaxLength(6);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().withChars("a:%{}3A").ofMaxLength(6).injectNull(0.3);
    }

    @Property(tries = 2000)
    void distinct_pairs_never_share_a_bucket(@ForAll("names") String integration1, @ForAll("keys") String key1,
            @ForAll("names") String integration2, @ForAll("keys") String key2) {
        boolean same = integration1.equals(integration2) && java.util.Objects.equals(key1, key2);
        assertThat(SharedGate.bucket(integration1, key1).equals(SharedGate.bucket(integration2, key2)))
                .isEqualTo(same);
    }

    @Property(tries = 500)
    void an_escaped_part_never_holds_the_separator_or_a_hash_tag(@ForAll("names") String part) {
        assertThat(SharedGate.escape(part)).doesNotContain(":", "{", "}");
    }

    @Test
    void should_keep_an_integration_named_with_a_colon_apart_from_a_per_key_rate() {
        assertThat(SharedGate.bucket("jira:acme", null)).isNotEqualTo(SharedGate.bucket("jira", "acme"));
        assertThat(SharedGate.bucket("jira", "tenant:42")).isEqualTo("rate:jira:tenant%3A42");
    }
}
