package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the registry of invocations remembers of a failure, and for how long. */
class InvocationsTest {

    private final AtomicLong now = new AtomicLong();
    private final Invocations invocations = new Invocations(Duration.ofMinutes(30), now::get);

    @Test
    void should_remember_no_failure_of_an_invocation_without_state_that_does_not_stream() {
        UUID id = UUID.randomUUID();

        invocations.fail(id, null, "the AI service invocation failed (IllegalStateException)", false);

        assertThat(invocations.failed(id)).as("no call of it can come later: nothing to refuse").isFalse();
    }

    @Test
    void should_remember_a_streaming_failure_for_late_calls_and_forget_it_after_the_failure_memory() {
        UUID id = UUID.randomUUID();

        invocations.fail(id, null, "the AI service invocation failed (IllegalStateException)", true);

        assertThat(invocations.failed(id)).isTrue();
        now.addAndGet(Invocations.FAILURE_MEMORY.plusSeconds(1).toNanos());
        assertThat(invocations.failed(id)).isFalse();
    }

    @Test
    void should_remember_the_failure_of_an_invocation_that_has_state_and_refuse_its_next_call() {
        UUID id = UUID.randomUUID();
        InvocationState state = invocations.enter(id);

        invocations.fail(id, state, "the AI service invocation failed (IllegalStateException)", false);
        invocations.leave(id, state);

        assertThat(invocations.failed(id)).isTrue();
        InvocationState late = invocations.enter(id);
        assertThat(late.claim(ScriptedCall.of("c1"), batch -> null, () -> null).refusal())
                .contains("IllegalStateException");
        invocations.leave(id, late);
    }

    @Test
    void should_keep_an_unpinned_state_awaiting_its_calls_only_for_the_idle_expiry() {
        UUID id = UUID.randomUUID();
        InvocationState state = awaitingOneCall(id, ScriptedCall.of("c1"));
        invocations.leave(id, state);

        assertThat(invocations.size()).isEqualTo(1);
        now.addAndGet(Duration.ofMinutes(30).plusSeconds(1).toNanos());
        assertThat(invocations.size()).isZero();
    }

    @Test
    void should_drop_an_expired_state_when_an_invocation_enters_after_the_sweep_interval() {
        UUID id = UUID.randomUUID();
        InvocationState state = awaitingOneCall(id, ScriptedCall.of("c1"));
        invocations.leave(id, state);

        now.addAndGet(Duration.ofMinutes(30).plusSeconds(1).toNanos());
        InvocationState next = invocations.enter(id); // no size(): entering looks for expired states itself

        assertThat(next).as("the expired state was dropped; its id gets a fresh one").isNotSameAs(state);
        invocations.leave(id, next);
    }

    @Test
    void should_never_expire_a_state_while_a_thread_holds_its_lock() {
        UUID id = UUID.randomUUID();
        InvocationState state = awaitingOneCall(id, ScriptedCall.of("c1"));
        state.lock.readLock().lock(); // a tool that ignored its interrupt
        try {
            invocations.leave(id, state);
            now.addAndGet(Duration.ofDays(1).toNanos());
            assertThat(invocations.size()).isEqualTo(1);
        } finally {
            state.lock.readLock().unlock();
        }
        // Unpinned once its last lock user left; its batch still awaits a call, so it gets the idle expiry from then.
        assertThat(invocations.size()).isEqualTo(1);
        now.addAndGet(Duration.ofMinutes(30).plusSeconds(1).toNanos());
        assertThat(invocations.size()).isZero();
    }

    /**
     * Property: in any order of callers entering and leaving and lock users coming and going, the state is never
     * dropped or expired while one of them is inside, however much time passes, and once the last has gone it is
     * dropped at once when nothing is expected of it, or kept only for the idle expiry when its batch awaits a call.
     * (Which pin's release re-examines the state, and which arrivals may skip the map write, is what this checks.)
     */
    @Test
    void should_keep_a_state_exactly_while_pinned_in_any_order_of_callers_and_lock_users() {
        for (int seed = 0; seed < 300; seed++) {
            java.util.Random random = new java.util.Random(seed);
            UUID id = UUID.randomUUID();
            boolean awaiting = seed % 2 == 1;
            InvocationState state = awaiting ? awaitingOneCall(id, ScriptedCall.of("c" + seed)) : invocations.enter(id);
            int callers = 1;
            int lockUsers = 0;
            // An awaiting state outlives its pins, so the steps go on through unpinned moments (time stands still
            // then); one that awaits nothing is gone at its first unpinned moment.
            for (int step = 0; step < 40 && (awaiting || callers + lockUsers > 0); step++) {
                int op = random.nextInt(4);
                if (op == 0) {
                    assertThat(invocations.enter(id)).as("seed %d step %d: the same state", seed, step)
                            .isSameAs(state);
                    callers++;
                } else if (op == 1 && callers > 0) {
                    invocations.leave(id, state);
                    callers--;
                } else if (op == 2) {
                    state.lock.entered();
                    lockUsers++;
                } else if (lockUsers > 0) {
                    state.lock.left();
                    lockUsers--;
                }
                if (callers + lockUsers > 0) {
                    now.addAndGet(Duration.ofDays(1).toNanos());
                    assertThat(invocations.size()).as("seed %d step %d: pinned, kept", seed, step).isEqualTo(1);
                } else {
                    assertThat(invocations.size()).as("seed %d step %d: unpinned", seed, step)
                            .isEqualTo(awaiting ? 1 : 0);
                }
            }
            while (callers > 0) {
                invocations.leave(id, state);
                callers--;
            }
            while (lockUsers > 0) {
                state.lock.left();
                lockUsers--;
            }
            assertThat(invocations.size()).as("seed %d: unpinned", seed).isEqualTo(awaiting ? 1 : 0);
            now.addAndGet(Duration.ofMinutes(30).plusSeconds(1).toNanos());
            assertThat(invocations.size()).as("seed %d: after the idle expiry", seed).isZero();
        }
    }

    @Test
    void should_let_the_invocations_other_threads_use_its_lock_while_a_turn_of_it_starts() throws Exception {
        UUID id = UUID.randomUUID();
        dev.langchain4j.agent.tool.ToolExecutionRequest request = ScriptedCall.of("c1");
        InvocationState state = awaitingOneCall(id, request);
        io.github.parallel4j.internal.schedule.TurnScheduler scheduler = new io.github.parallel4j.internal.schedule.TurnScheduler(
                Runnable::run, new io.github.parallel4j.internal.limit.ResourceLocks(),
                new io.github.parallel4j.internal.limit.IntegrationGate(java.util.Map.of()), io.github.parallel4j.Ticker.system(),
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(), java.util.List.of());
        io.github.parallel4j.internal.plan.Plan plan = new io.github.parallel4j.internal.plan.Planner(10,
                name -> io.github.parallel4j.policy.ToolPolicy.read(), io.github.parallel4j.internal.plan.Planner.UnknownTools.BARRIER)
                .plan(java.util.List.of(new io.github.parallel4j.internal.plan.CallRequest("c1", "lookup", "{}")));
        java.util.concurrent.CountDownLatch used = new java.util.concurrent.CountDownLatch(1);

        // Starting a turn runs planning and the user's observers; meanwhile a tool of the same invocation (here:
        // another thread) takes and leaves the invocation's lock, as an abandoned tool finishing does.
        Claim claim = state.claim(request, batch -> {
            Thread other = new Thread(() -> {
                state.lock.readLock().lock();
                state.lock.readLock().unlock();
                used.countDown();
            });
            other.start();
            try {
                assertThat(used.await(10, java.util.concurrent.TimeUnit.SECONDS))
                        .as("the lock was usable while the turn started").isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return scheduler.start(plan, (call, args) -> new io.github.parallel4j.internal.schedule.ToolOutput(
                    com.fasterxml.jackson.databind.node.TextNode.valueOf("ok"), null),
                    new io.github.parallel4j.internal.schedule.TurnOptions(null, state.lock));
        }, () -> null);

        assertThat(claim.run().outcome(0).get(10, java.util.concurrent.TimeUnit.SECONDS).ok()).isTrue();
        invocations.leave(id, state);
    }

    @Test
    void should_start_a_messages_batch_once_when_the_message_is_captured_again_after_a_call_claimed_it()
            throws Exception {
        UUID id = UUID.randomUUID();
        java.util.List<dev.langchain4j.agent.tool.ToolExecutionRequest> calls =
                java.util.List.of(ScriptedCall.of("c2"), ScriptedCall.of("c3"));
        InvocationState state = invocations.enter(id);
        io.github.parallel4j.internal.schedule.TurnScheduler scheduler = new io.github.parallel4j.internal.schedule.TurnScheduler(
                Runnable::run, new io.github.parallel4j.internal.limit.ResourceLocks(),
                new io.github.parallel4j.internal.limit.IntegrationGate(java.util.Map.of()), io.github.parallel4j.Ticker.system(),
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(), java.util.List.of());
        io.github.parallel4j.internal.plan.Planner planner = new io.github.parallel4j.internal.plan.Planner(10,
                name -> io.github.parallel4j.policy.ToolPolicy.read(), io.github.parallel4j.internal.plan.Planner.UnknownTools.BARRIER);
        java.util.List<String> ran = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Function<Batch, io.github.parallel4j.internal.schedule.TurnRun> start = batch -> {
            starts.incrementAndGet();
            return scheduler.start(planner.plan(batch.requests.stream()
                            .map(r -> new io.github.parallel4j.internal.plan.CallRequest(r.id(), r.name(), r.arguments()))
                            .toList()),
                    (call, args) -> {
                        ran.add(call.id());
                        return new io.github.parallel4j.internal.schedule.ToolOutput(
                                com.fasterxml.jackson.databind.node.TextNode.valueOf("ok"), null);
                    },
                    new io.github.parallel4j.internal.schedule.TurnOptions(null, state.lock));
        };
        io.github.parallel4j.internal.schedule.CapturedContext none = io.github.parallel4j.internal.schedule.CapturedContext.NONE;

        // The listener hears the message, its first call claims the batch, then a call captures the same message again
        // (LangChain4j 1.23 tells a guardrail reprompt's response to the listeners, and the call sees it complete).
        state.newBatch(calls, none, java.util.Set.of(), java.util.Set.of(0, 1), false, null);
        Claim first = state.claim(calls.get(0), start, () -> null);
        first.run().outcome(0).get(10, java.util.concurrent.TimeUnit.SECONDS);
        state.newBatch(calls, none, java.util.Set.of(), java.util.Set.of(0, 1), false, null);
        Claim second = state.claim(calls.get(1), start, () -> null);
        second.run().outcome(second.index()).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(starts.get()).as("the batch's turn started once").isEqualTo(1);
        assertThat(second.run()).isSameAs(first.run());
        assertThat(second.index()).isEqualTo(1);
        assertThat(ran).containsExactlyInAnyOrder("c2", "c3");
        invocations.leave(id, state);
    }

    /** Enters the invocation's state, whose batch awaits one call of ours. */
    private InvocationState awaitingOneCall(UUID id, dev.langchain4j.agent.tool.ToolExecutionRequest request) {
        InvocationState state = invocations.enter(id);
        state.newBatch(java.util.List.of(request), io.github.parallel4j.internal.schedule.CapturedContext.NONE, java.util.Set.of(), java.util.Set.of(0), false, null);
        return state;
    }

    private static final class ScriptedCall {
        static dev.langchain4j.agent.tool.ToolExecutionRequest of(String id) {
            return dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id(id).name("lookup").arguments("{}")
                    .build();
        }
    }
}
