package io.github.parallel4j.policy;

import io.github.parallel4j.internal.policy.ResourceKey;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.annotation.Integration;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolPolicyTest {

    @Integration("shop")
    static class Tools {
        @ParallelSafe(resourceKey = {"order:{orderId}", "customer:{customer.id}"})
        void read(String orderId) {}

        @Writes(resourceKey = "order:{orderId}")
        @Integration("payments")
        void write(String orderId) {}

        @Writes
        void exclusive() {}

        void plain() {}

        @ParallelSafe
        @Writes
        void both() {}

        @ParallelSafe(resourceKey = "order:{orderId")
        void broken() {}
    }

    private static java.lang.reflect.Method method(String name) throws Exception {
        for (java.lang.reflect.Method m : Tools.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void should_read_policies_from_annotations_with_class_level_integration() throws Exception {
        ToolPolicy read = ToolPolicy.of(method("read"), ToolPolicy.exclusiveWrite());
        ToolPolicy write = ToolPolicy.of(method("write"), ToolPolicy.exclusiveWrite());

        assertThat(read.isWrite()).isFalse();
        assertThat(read.resourceKeys()).containsExactly("order:{orderId}", "customer:{customer.id}");
        assertThat(read.integration()).hasValue("shop");
        assertThat(write.integration()).hasValue("payments");
        assertThat(write.isExclusive()).isFalse();
        assertThat(ToolPolicy.of(method("exclusive"), ToolPolicy.read()).isExclusive()).isTrue();
        assertThat(ToolPolicy.of(method("plain"), ToolPolicy.read())).isEqualTo(ToolPolicy.read().withIntegration("shop"));
        assertThat(ToolPolicy.of(method("plain"), ToolPolicy.exclusiveWrite()).isExclusive()).isTrue();
        assertThat(read.toString()).isEqualTo("read[order:{orderId}, customer:{customer.id}] @shop");
    }

    @Test
    void should_say_what_a_policy_does_when_read_back() {
        assertThat(ToolPolicy.read("order:{id}").isWrite()).isFalse();
        assertThat(ToolPolicy.write("order:{id}").isWrite()).isTrue();
        assertThat(ToolPolicy.exclusiveWrite().isWrite()).isTrue();
        assertThat(ToolPolicy.read().asExclusiveWrite().isWrite()).isTrue();

        assertThat(FailurePolicy.bestEffort().isFailFast()).isFalse();
        assertThat(FailurePolicy.bestEffort().isRetry()).isFalse();
        assertThat(FailurePolicy.failFast().isFailFast()).isTrue();
        assertThat(FailurePolicy.failFast().isRetry()).isFalse();
        FailurePolicy retry = FailurePolicy.retry(3, Duration.ofMillis(10), Duration.ofMillis(100));
        assertThat(retry.isRetry()).isTrue();
        assertThat(retry.isFailFast()).isFalse();
    }

    @Test
    void should_read_back_exactly_one_kind_when_a_failure_policy_comes_from_any_factory() {
        List<FailurePolicy> policies = List.of(FailurePolicy.bestEffort(), FailurePolicy.failFast(),
                FailurePolicy.retry(2, Duration.ofNanos(1), Duration.ofNanos(1)),
                FailurePolicy.retry(3, Duration.ofMillis(10), Duration.ofMillis(100)),
                FailurePolicy.retry(10, Duration.ofSeconds(1), Duration.ofSeconds(1)));

        for (FailurePolicy policy : policies) {
            List<Boolean> kinds = List.of(policy.isBestEffort(), policy.isFailFast(), policy.isRetry());
            assertThat(kinds.stream().filter(k -> k).count()).as("kinds of %s", policy).isEqualTo(1);
        }
        assertThat(FailurePolicy.bestEffort().isBestEffort()).isTrue();
        assertThat(FailurePolicy.failFast().isBestEffort()).isFalse();
        assertThat(FailurePolicy.retry(3, Duration.ofMillis(10), Duration.ofMillis(100)).isBestEffort()).isFalse();
        assertThat(ToolPolicy.read().onFailure().isBestEffort()).as("the default").isTrue();
    }

    @Test
    void should_refuse_contradictory_or_malformed_annotations_naming_the_method() {
        assertThatThrownBy(() -> ToolPolicy.of(method("both"), ToolPolicy.exclusiveWrite()))
                .hasMessageContaining("Tools.both").hasMessageContaining("both @ParallelSafe and @Writes");
        assertThatThrownBy(() -> ToolPolicy.of(method("broken"), ToolPolicy.exclusiveWrite()))
                .hasMessageContaining("Tools.broken").hasMessageContaining("without its '}'");
        assertThatThrownBy(() -> ToolPolicy.read("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToolPolicy.read("a}b")).hasMessageContaining("without its '{'");
        assertThatThrownBy(() -> ToolPolicy.read("a{}")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ToolPolicy.read().withIntegration(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_fill_templates_from_arguments_and_open_keys_that_depend_on_a_reference() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ResourceKeyTemplate template = ResourceKeyTemplate.parse("cart:{customer.id}:{n}");

        assertThat(template.fill(json.readTree("{\"customer\":{\"id\":\"c1\"},\"n\":3}"), t -> false))
                .isEqualTo(ResourceKey.of("cart:c1:3"));
        assertThat(template.fill(json.readTree("{\"customer\":{\"id\":\"$call_1.id\"},\"n\":3}"), t -> t.startsWith("$")))
                .isEqualTo(new ResourceKey("cart:", true));
        assertThatThrownBy(() -> template.fill(json.readTree("{\"customer\":{}}"), t -> false))
                .hasMessageContaining("needs argument 'customer.id'");
        assertThat(template.parameterNames()).containsExactly("customer", "n");
    }

    @Test
    void should_fill_numbers_by_value_and_escape_the_separator_after_a_value() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ResourceKeyTemplate pair = ResourceKeyTemplate.parse("pair:{a}:{b}");
        ResourceKeyTemplate item = ResourceKeyTemplate.parse("item:{id}");

        assertThat(pair.fill(json.readTree("{\"a\":\"x:y\",\"b\":\"z\"}"), t -> false).text()).isEqualTo("pair:x%3Ay:z");
        assertThat(pair.fill(json.readTree("{\"a\":\"x\",\"b\":\"y:z\"}"), t -> false).text()).isEqualTo("pair:x:y%3Az");
        assertThat(pair.fill(json.readTree("{\"a\":\"50%\",\"b\":\"a:b\"}"), t -> false).text())
                .as("%% and the template's separator are encoded in every value").isEqualTo("pair:50%25:a%3Ab");
        for (String spelling : List.of("1", "1.0", "1e0", "1.000", "0.1e1")) {
            assertThat(item.fill(json.readTree("{\"id\":" + spelling + "}"), t -> false).text()).isEqualTo("item:1");
        }
        assertThat(item.fill(json.readTree("{\"id\":1.50}"), t -> false).text()).isEqualTo("item:1.5");
        assertThat(item.fill(json.readTree("{\"id\":100}"), t -> false).text()).isEqualTo("item:100");
        assertThat(item.fill(json.readTree("{\"id\":{\"b\":1.0,\"a\":[2e0]}}"), t -> false).text())
                .isEqualTo("item:{\"a\":[2],\"b\":1}");
        assertThatThrownBy(() -> ResourceKeyTemplate.parse("ab:{a}{b}")).hasMessageContaining("nothing between them");
    }

    @Test
    void should_match_open_keys_by_prefix() {
        assertThat(new ResourceKey("order:", true).mayMatch(ResourceKey.of("order:1"))).isTrue();
        assertThat(ResourceKey.of("order:1").mayMatch(new ResourceKey("order:", true))).isTrue();
        assertThat(new ResourceKey("order:", true).mayMatch(ResourceKey.of("account:1"))).isFalse();
        assertThat(new ResourceKey("order:1", true).mayMatch(new ResourceKey("order:", true))).isTrue();
        assertThat(ResourceKey.of("order:1").mayMatch(ResourceKey.of("order:2"))).isFalse();
    }
}
