package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The lock table with a lock per key grants, queues, withdraws and forgets keys exactly as the table with one
 * monitor did ({@link MonitorResourceLocks}): the same random sequence of placements (sorted keys, reads and
 * writes, grants kept or declined), releases and withdrawals gives the same grants in the same order, the same
 * answers from {@code cancel()}, the same ends and the same number of keys in use after every step. With the first key
 * an {@link ResourceLocks.OwnKey} (as an invocation's lock is), everything is the same but that the key is never in
 * the table.
 */
class ResourceLocksPropertyTest {

    private static final List<String> KEYS = List.of("a", "b", "c", "d");

    /** One step: place request {@code target} (0), release it (1) or withdraw it (2). */
    record Step(int kind, int target, int keyMask, int writeMask, boolean keeps) {}

    @Property(tries = 400)
    void should_grant_queue_and_withdraw_as_the_single_monitor_table_did(@ForAll("steps") List<Step> steps) {
        run(steps, false);
    }

    @Property(tries = 400)
    void should_grant_queue_and_withdraw_a_key_with_its_own_line_as_the_single_monitor_table_did_a_table_key(
            @ForAll("steps") List<Step> steps) {
        run(steps, true);
    }

    /** @param ownFirstKey whether the scalable table's first key is an own key (the oracle's is "a" in either case) */
    private static void run(List<Step> steps, boolean ownFirstKey) {
        List<String> scalableLog = new ArrayList<>();
        List<String> oracleLog = new ArrayList<>();
        ResourceLocks scalable = new ResourceLocks();
        MonitorResourceLocks oracle = new MonitorResourceLocks();
        ResourceLocks.OwnKey own = scalable.ownKey();
        List<ResourceLocks.Request> placed = new ArrayList<>();
        List<MonitorResourceLocks.Request> oraclePlaced = new ArrayList<>();
        for (Step step : steps) {
            if (step.kind() == 0 || placed.isEmpty()) {
                List<Object> keys = new ArrayList<>();
                List<Object> oracleKeys = new ArrayList<>();
                List<Boolean> modes = new ArrayList<>();
                for (int k = 0; k < KEYS.size(); k++) {
                    if ((step.keyMask() & (1 << k)) != 0) {
                        keys.add(k == 0 && ownFirstKey ? own : KEYS.get(k));
                        oracleKeys.add(KEYS.get(k));
                        modes.add((step.writeMask() & (1 << k)) != 0);
                    }
                }
                boolean[] writes = new boolean[modes.size()];
                for (int k = 0; k < writes.length; k++) {
                    writes[k] = modes.get(k);
                }
                String name = "r" + placed.size();
                ResourceLocks.Request r = scalable.request(keys, writes,
                        () -> scalableLog.add("granted " + name) && step.keeps(), () -> scalableLog.add("over " + name),
                        watch(scalableLog, name, own));
                MonitorResourceLocks.Request o = oracle.request(oracleKeys, writes,
                        () -> oracleLog.add("granted " + name) && step.keeps(), () -> oracleLog.add("over " + name),
                        oracleWatch(oracleLog, name));
                placed.add(r);
                oraclePlaced.add(o);
                r.place();
                o.place();
            } else {
                int target = step.target() % placed.size();
                if (step.kind() == 1) {
                    placed.get(target).release();
                    oraclePlaced.get(target).release();
                } else {
                    scalableLog.add("cancel r" + target + ": " + placed.get(target).cancel());
                    oracleLog.add("cancel r" + target + ": " + oraclePlaced.get(target).cancel());
                }
            }
            // an own key is never in the table: count it when its own line is in use
            scalableLog.add("in use " + (scalable.keysInUse() + (ownFirstKey && scalable.inUse(own) ? 1 : 0)));
            oracleLog.add("in use " + oracle.keysInUse());
            assertThat(scalableLog).isEqualTo(oracleLog);
        }
        for (int k = 0; k < placed.size(); k++) { // everything ends: nothing is left held or in line
            placed.get(k).cancel();
            placed.get(k).release();
        }
        assertThat(scalable.keysInUse()).isZero();
        assertThat(scalable.inUse(own)).as("the own key is free once everything ended").isFalse();
    }

    /** Writes the own key as its oracle twin, "a". */
    private static ResourceLocks.LineWatch watch(List<String> log, String name, ResourceLocks.OwnKey own) {
        return new ResourceLocks.LineWatch() {
            @Override
            public void waiting(Object key) {
                log.add(name + " waits at " + (key == own ? KEYS.get(0) : key));
            }

            @Override
            public void left(Object key) {
                log.add(name + " left " + (key == own ? KEYS.get(0) : key));
            }
        };
    }

    private static MonitorResourceLocks.LineWatch oracleWatch(List<String> log, String name) {
        return new MonitorResourceLocks.LineWatch() {
            @Override
            public void waiting(Object key) {
                log.add(name + " waits at " + key);
            }

            @Override
            public void left(Object key) {
                log.add(name + " left " + key);
            }
        };
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(1, 15),
                        Arbitraries.integers().between(0, 15),
                        Arbitraries.of(true, true, true, false))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }
}
