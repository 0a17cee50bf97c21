package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key locks as queue entries: granted by callbacks, fair, withdrawable, and forgotten when idle. */
class ResourceLocksTest {

    private final ResourceLocks locks = new ResourceLocks();
    private final List<String> granted = new ArrayList<>();

    private ResourceLocks.Request place(String name, List<String> keys, boolean... writes) {
        ResourceLocks.Request request = locks.request(keys, writes, () -> {
            granted.add(name);
            return true;
        });
        request.place();
        return request;
    }

    @Test
    void should_share_reads_and_queue_a_write_and_the_reads_behind_it_in_order() {
        ResourceLocks.Request r1 = place("r1", List.of("acct:1"), false);
        ResourceLocks.Request r2 = place("r2", List.of("acct:1"), false);
        ResourceLocks.Request w = place("w", List.of("acct:1"), true);
        ResourceLocks.Request r3 = place("r3", List.of("acct:1"), false);
        assertThat(granted).containsExactly("r1", "r2");

        r1.release();
        assertThat(granted).containsExactly("r1", "r2");
        r2.release();
        assertThat(granted).as("the write, and not the later read, is next").containsExactly("r1", "r2", "w");
        w.release();
        assertThat(granted).containsExactly("r1", "r2", "w", "r3");
        r3.release();
        assertThat(locks.keysInUse()).isZero();
    }

    @Test
    void should_release_the_keys_held_so_far_when_a_waiting_request_is_withdrawn() {
        ResourceLocks.Request holder = place("holder", List.of("b"), true);
        ResourceLocks.Request waiting = place("waiting", List.of("a", "b"), true, true); // holds a, waits for b
        ResourceLocks.Request onA = place("onA", List.of("a"), false);
        assertThat(granted).containsExactly("holder");

        assertThat(waiting.cancel()).isTrue();
        assertThat(granted).as("a is free again").containsExactly("holder", "onA");
        assertThat(waiting.cancel()).isFalse();
        holder.release();
        onA.release();
        assertThat(locks.keysInUse()).isZero();
    }

    @Test
    void should_exclude_on_a_key_with_its_own_line_and_never_put_it_in_the_table() {
        ResourceLocks.OwnKey own = locks.ownKey();
        ResourceLocks.Request read = locks.request(List.of(own, "k"), new boolean[] {false, false}, () -> granted.add("read"));
        read.place();
        ResourceLocks.Request write = locks.request(List.of(own), new boolean[] {true}, () -> granted.add("write"));
        write.place();
        ResourceLocks.Request later = locks.request(List.of(own), new boolean[] {false}, () -> granted.add("later"));
        later.place();
        assertThat(granted).as("the write waits for the read, and the later read behind it").containsExactly("read");
        assertThat(locks.keysInUse()).as("only k is in the table").isEqualTo(1);

        read.release();
        assertThat(granted).containsExactly("read", "write");
        assertThat(locks.keysInUse()).isZero();
        assertThat(later.cancel()).isTrue();
        write.release();
        assertThat(granted).containsExactly("read", "write");
    }

    @Test
    void should_refuse_a_key_with_its_own_line_of_another_table() {
        ResourceLocks.OwnKey other = new ResourceLocks().ownKey();

        assertThatThrownBy(() -> locks.request(List.of(other), new boolean[] {false}, () -> true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only the table that made it");
    }

    @Test
    void should_pass_keys_on_when_a_grant_is_declined() {
        ResourceLocks.Request holder = place("holder", List.of("k"), true);
        locks.request(List.of("k"), new boolean[] {true}, () -> false).place();
        ResourceLocks.Request next = place("next", List.of("k"), false);

        holder.release();

        assertThat(granted).containsExactly("holder", "next");
        assertThat(next.cancel()).as("granted: nothing to withdraw").isFalse();
        next.release();
        assertThat(locks.keysInUse()).isZero();
    }
}
