package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.Ticker;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void should_take_the_caps_in_order_and_release_them_exactly_once() {
        FairSlots turn = new FairSlots(1);
        FairSlots integration = new FairSlots(1);
        Admission admission = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        AtomicInteger went = new AtomicInteger();

        admission.acquire(List.of(turn, integration), went::incrementAndGet);
        assertThat(went).hasValue(1);
        assertThat(turn.inUse()).isEqualTo(1);
        assertThat(integration.inUse()).isEqualTo(1);

        admission.release();
        admission.release();
        assertThat(turn.inUse()).isZero();
        assertThat(integration.inUse()).as("released once, not twice").isZero();
        Admission next = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        next.acquire(List.of(integration), () -> {});
        assertThat(integration.inUse()).isEqualTo(1);
    }

    @Test
    void should_pass_a_slot_on_when_the_attempt_died_while_it_waited() {
        FairSlots cap = new FairSlots(1);
        Admission holder = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        holder.acquire(List.of(cap), () -> {});
        AtomicBoolean live = new AtomicBoolean(true);
        AtomicBoolean ran = new AtomicBoolean();
        Admission waiter = new Admission(live::get, Ticker.system(), HoldLog.NONE);
        waiter.acquire(List.of(cap), () -> ran.set(true));
        assertThat(cap.waiting()).isEqualTo(1);

        live.set(false);
        holder.release();

        assertThat(ran).as("a dead attempt does not go on").isFalse();
        assertThat(cap.inUse()).as("the declined slot passed on").isZero();
    }

    @Test
    void should_withdraw_a_waiting_request_and_release_what_it_held_when_its_turn_closes() {
        FairSlots turn = new FairSlots(1);
        FairSlots integration = new FairSlots(1);
        Admission other = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        other.acquire(List.of(integration), () -> {});
        AtomicBoolean ran = new AtomicBoolean();
        Admission waiting = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        waiting.acquire(List.of(turn, integration), () -> ran.set(true));
        assertThat(turn.inUse()).isEqualTo(1);
        assertThat(integration.waiting()).isEqualTo(1);

        Runnable release = waiting.withdraw();
        assertThat(integration.waiting()).as("withdrawn at once").isZero();
        assertThat(turn.inUse()).as("held until the closing turn releases it").isEqualTo(1);
        release.run();
        assertThat(turn.inUse()).isZero();
        other.release();
        assertThat(ran).isFalse();
        assertThat(integration.inUse()).isZero();
        assertThat(waiting.withdraw()).as("nothing is left to release").isNotNull();
        assertThat(turn.inUse()).isZero();
    }

    @Test
    void should_give_one_slot_back_early_and_not_release_it_again() {
        FairSlots global = new FairSlots(1);
        FairSlots integration = new FairSlots(1);
        Admission admission = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        admission.acquire(List.of(integration, global), () -> {});

        admission.giveBack(global);
        assertThat(global.inUse()).isZero();
        assertThat(integration.inUse()).isEqualTo(1);
        Admission other = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        other.acquire(List.of(global), () -> {});

        admission.release();
        assertThat(global.inUse()).as("the slot given back is not released twice").isEqualTo(1);
        assertThat(integration.inUse()).isZero();
    }

    @Test
    void should_decline_locks_granted_to_a_dead_attempt() {
        ResourceLocks locks = new ResourceLocks();
        AtomicBoolean live = new AtomicBoolean(true);
        AtomicBoolean ran = new AtomicBoolean();
        Admission holder = new Admission(() -> true, Ticker.system(), HoldLog.NONE);
        ResourceLocks.Request held = locks.request(List.of("order:1"), new boolean[] {true},
                () -> holder.onLocked(() -> {}));
        holder.lock(held);
        Admission waiter = new Admission(live::get, Ticker.system(), HoldLog.NONE);
        waiter.lock(locks.request(List.of("order:1"), new boolean[] {true}, () -> waiter.onLocked(() -> ran.set(true))));

        live.set(false);
        holder.release();

        assertThat(ran).isFalse();
        assertThat(locks.keysInUse()).as("the declined lock passed on and nobody holds it").isZero();
    }
}
