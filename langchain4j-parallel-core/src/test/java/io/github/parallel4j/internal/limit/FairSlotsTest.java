package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairSlotsTest {

    @Test
    void should_grant_in_request_order_and_pass_declined_slots_on() {
        FairSlots slots = new FairSlots(2);
        List<Integer> granted = new ArrayList<>();

        for (int i = 0; i < 6; i++) {
            int n = i;
            slots.acquire(() -> {
                if (n == 3) {
                    return false; // cancelled while it waited
                }
                granted.add(n);
                return true;
            });
        }
        assertThat(granted).containsExactly(0, 1);
        assertThat(slots.waiting()).isEqualTo(4);

        slots.release();
        slots.release();
        assertThat(granted).containsExactly(0, 1, 2, 4);
        slots.release();
        assertThat(granted).containsExactly(0, 1, 2, 4, 5);
        slots.release();
        slots.release();
        assertThat(slots.inUse()).isZero();
        assertThat(slots.waiting()).isZero();
        assertThatThrownBy(() -> new FairSlots(0)).hasMessageContaining("at least 1");
    }

    @Test
    void should_let_a_waiting_request_be_withdrawn() {
        FairSlots slots = new FairSlots(1);
        List<String> granted = new ArrayList<>();
        slots.acquire(() -> granted.add("first"));
        FairSlots.Ticket second = slots.acquire(() -> granted.add("second"));
        slots.acquire(() -> granted.add("third"));

        assertThat(second.cancel()).isTrue();
        assertThat(second.cancel()).isFalse();
        slots.release();

        assertThat(granted).containsExactly("first", "third");
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void should_survive_a_long_queue_of_declined_grants_without_recursion() {
        FairSlots slots = new FairSlots(1);
        slots.acquire(() -> true);
        for (int i = 0; i < 100_000; i++) {
            slots.acquire(() -> false);
        }
        slots.release();
        assertThat(slots.inUse()).isZero();
    }
}
