package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void should_give_the_name_based_uuid_of_turn_and_call_when_made_again_on_one_thread() {
        String[][] names = {{"turn-1", "call_1"}, {"5f1c#42", "call_é✓"}, {"", ""}, {"t", "x".repeat(300)}};
        for (int round = 0; round < 2; round++) { // the second round reuses the thread's digest
            for (String[] name : names) {
                String expected = UUID.nameUUIDFromBytes((name[0] + "/" + name[1]).getBytes(StandardCharsets.UTF_8))
                        .toString();
                assertThat(IdempotencyKeys.of(name[0], name[1])).isEqualTo(expected);
            }
        }
    }

    @Test
    void should_give_the_name_based_uuid_when_each_key_is_made_on_a_new_thread() throws Exception {
        for (int i = 0; i < 20; i++) { // as on a virtual thread per call: nothing of an earlier thread is reused
            String call = "call_" + i;
            String[] made = new String[1];
            Thread thread = new Thread(() -> made[0] = IdempotencyKeys.of("turn-7", call));
            thread.start();
            thread.join();
            assertThat(made[0]).isEqualTo(
                    UUID.nameUUIDFromBytes(("turn-7/" + call).getBytes(StandardCharsets.UTF_8)).toString());
        }
    }

    @Test
    void should_give_distinct_keys_when_calls_or_turns_differ() {
        assertThat(IdempotencyKeys.of("turn-1", "call_1")).isNotEqualTo(IdempotencyKeys.of("turn-1", "call_2"))
                .isNotEqualTo(IdempotencyKeys.of("turn-2", "call_1"));
    }
}
