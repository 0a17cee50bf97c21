package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.Ticker;
import io.github.parallel4j.internal.limit.CallGate;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The calls a turn makes ready together go to tool threads with the wake-ups shared out ({@link Launches}): on the
 * library's own executor the threads woken launch some of the others, every call still runs exactly once, and a
 * refusal fails only the call it refused; on a user's executor the thread that made the calls ready submits them all.
 */
class LaunchesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 16;
    private static final TurnOptions WITH_BUDGET = new TurnOptions(Duration.ofSeconds(30), null);
    /** On a pool thread, while a task of the recording executor runs: how many tasks that task has submitted. */
    private static final ThreadLocal<Integer> SUBMITTED_BY_TASK = new ThreadLocal<>();

    /** Wraps the test pool: records which thread submitted each task, and may refuse those from tool threads. */
    private static final class RecordingExecutor implements Executor {
        final Thread starter = Thread.currentThread();
        final ConcurrentLinkedQueue<Thread> submitters = new ConcurrentLinkedQueue<>();
        /** Counted down by each submission from a thread other than the starter. */
        final CountDownLatch helped = new CountDownLatch(2);
        volatile boolean refuseHelpers;
        /** Whether the starter's first launch of a fan waits for the thread it woke to launch its share. */
        private final boolean waitForHelpers;
        private boolean waitedOnce;

        RecordingExecutor(boolean waitForHelpers) {
            this.waitForHelpers = waitForHelpers;
        }

        @Override
        public void execute(Runnable task) {
            Thread submitter = Thread.currentThread();
            submitters.add(submitter);
            Integer byTask = SUBMITTED_BY_TASK.get();
            if (byTask != null) {
                SUBMITTED_BY_TASK.set(byTask + 1);
            }
            if (submitter != starter) {
                helped.countDown();
                if (refuseHelpers) {
                    throw new RejectedExecutionException("helpers refused");
                }
            }
            Schedulers.POOL.execute(() -> {
                SUBMITTED_BY_TASK.set(0);
                try {
                    task.run();
                } finally {
                    SUBMITTED_BY_TASK.remove();
                }
            });
            if (waitForHelpers && submitter == starter && submitters.size() == 2 && !waitedOnce) {
                // The starter's first launch of the fan: let the thread it woke launch its share before going on,
                // so that the test sees helping rather than a race the starter may win.
                waitedOnce = true;
                await(helped);
            }
        }

        long fromStarter() {
            return submitters.stream().filter(t -> t == starter).count();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Plan reads(int n) {
        List<CallRequest> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(Schedulers.call("call_" + i, "read", "{\"i\":" + i + "}"));
        }
        return Schedulers.plan(calls.toArray(CallRequest[]::new));
    }

    private static TurnScheduler scheduler(Executor executor, boolean ownExecutor) {
        return new TurnScheduler(executor, new ResourceLocks(), CallGate.OPEN, Ticker.system(), Schedulers.TIMER,
                List.of(), count -> {}, ownExecutor);
    }

    private static List<CallOutcome> run(TurnScheduler scheduler, AtomicIntegerArray runs) throws Exception {
        return run(scheduler, runs, new AtomicIntegerArray(CALLS));
    }

    /** @param launchedFirst per call: how many tasks its task had launched when its tool started */
    private static List<CallOutcome> run(TurnScheduler scheduler, AtomicIntegerArray runs,
            AtomicIntegerArray launchedFirst) throws Exception {
        return scheduler.start(reads(CALLS), (call, arguments) -> {
            runs.incrementAndGet(call.index());
            Integer launched = SUBMITTED_BY_TASK.get();
            launchedFirst.set(call.index(), launched == null ? 0 : launched);
            return new ToolOutput(JSON.readTree("{\"v\":" + call.index() + "}"), null);
        }, WITH_BUDGET).whenDone().get(30, TimeUnit.SECONDS);
    }

    @Test
    void should_let_the_threads_it_wakes_launch_calls_when_the_executor_is_the_librarys_own() throws Exception {
        RecordingExecutor executor = new RecordingExecutor(true);
        AtomicIntegerArray runs = new AtomicIntegerArray(CALLS);
        AtomicIntegerArray launchedFirst = new AtomicIntegerArray(CALLS);

        List<CallOutcome> outcomes = run(scheduler(executor, true), runs, launchedFirst);

        assertThat(outcomes).hasSize(CALLS).allMatch(CallOutcome::ok);
        int most = 0;
        for (int i = 0; i < CALLS; i++) {
            most = Math.max(most, launchedFirst.get(i));
        }
        assertThat(most).as("the thread woken first launched its share before its own tool started")
                .isEqualTo(Launches.FAN_OUT);
        for (int i = 0; i < CALLS; i++) {
            assertThat(runs.get(i)).as("call %d ran once", i).isEqualTo(1);
            assertThat(outcomes.get(i).call().index()).isEqualTo(i);
        }
        assertThat(executor.submitters).hasSize(CALLS);
        assertThat(executor.fromStarter()).as("tasks the starting thread submitted itself")
                .isLessThanOrEqualTo(CALLS - 2);
    }

    @Test
    void should_submit_every_call_from_the_thread_that_made_them_ready_when_the_executor_is_a_users() throws Exception {
        RecordingExecutor executor = new RecordingExecutor(false);
        AtomicIntegerArray runs = new AtomicIntegerArray(CALLS);

        List<CallOutcome> outcomes = run(scheduler(executor, false), runs);

        assertThat(outcomes).hasSize(CALLS).allMatch(CallOutcome::ok);
        assertThat(executor.fromStarter()).isEqualTo(CALLS);
        assertThat(executor.helped.getCount()).as("no submission from a tool thread").isEqualTo(2);
    }

    @Test
    void should_fail_only_the_calls_whose_launch_was_refused_and_lose_none() throws Exception {
        RecordingExecutor executor = new RecordingExecutor(true);
        executor.refuseHelpers = true;
        AtomicIntegerArray runs = new AtomicIntegerArray(CALLS);

        List<CallOutcome> outcomes = run(scheduler(executor, true), runs);

        assertThat(outcomes).hasSize(CALLS);
        long refused = executor.submitters.stream().filter(t -> t != executor.starter).count();
        assertThat(refused).isGreaterThanOrEqualTo(2);
        for (int i = 0; i < CALLS; i++) {
            CallOutcome outcome = outcomes.get(i);
            if (outcome.ok()) {
                assertThat(runs.get(i)).isEqualTo(1);
            } else {
                assertThat(runs.get(i)).isZero();
                assertThat(outcome.errorCode()).isEqualTo(ErrorCode.TOOL_ERROR);
                assertThat(outcome.error()).contains("the executor refused it").contains("helpers refused");
            }
        }
        assertThat(outcomes.stream().filter(o -> !o.ok()).count()).isEqualTo(refused);
    }
}
