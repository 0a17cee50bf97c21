package io.github.parallel4j.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeptResultsTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void should_read_slices_only_from_the_same_conversation_and_forget_after_the_time_to_live() {
        KeptResults kept = new KeptResults(1_000_000, Duration.ofMinutes(10), now::get);
        String handle = kept.keep("alice", "0123456789").orElseThrow();

        assertThat(kept.read("alice", handle, 3, 4)).hasValueSatisfying(s -> {
            assertThat(s.text()).isEqualTo("3456");
            assertThat(s.total()).isEqualTo(10);
        });
        assertThat(kept.read("alice", handle, 8, 100).orElseThrow().text()).isEqualTo("89");
        assertThat(kept.read("bob", handle, 0, 4)).isEmpty();
        assertThat(kept.read("alice", "r_unknown", 0, 4)).isEmpty();

        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(kept.read("alice", handle, 0, 4)).isEmpty();
    }

    @Test
    void should_give_no_handle_for_a_result_larger_than_it_may_keep_and_slice_by_written_size() {
        KeptResults kept = new KeptResults(100, Duration.ofMinutes(10), now::get);
        assertThat(kept.keep("alice", "z".repeat(101))).isEmpty();

        String handle = kept.keep("alice", "a\"b\"c😀d").orElseThrow();
        KeptResults.Slice slice = kept.read("alice", handle, 0, 5).orElseThrow();
        assertThat(slice.text()).isEqualTo("a\"b"); // a, \" (2), b: 4 of 5, the next quote would need 2
        KeptResults.Slice pair = kept.read("alice", handle, 6, 10).orElseThrow();
        assertThat(pair.offset()).as("never inside a surrogate pair").isEqualTo(5);
        assertThat(pair.text()).isEqualTo("😀d");
    }

    @Test
    void should_stay_within_its_weight_under_many_large_results() {
        KeptResults kept = new KeptResults(1_000_000, Duration.ofMinutes(10), now::get);
        String large = "y".repeat(10_000);

        for (int i = 0; i < 10_000; i++) {
            kept.keep("c" + (i % 7), large);
        }

        assertThat(kept.keptChars()).isLessThanOrEqualTo(1_000_000).isGreaterThan(500_000);
    }
}
