package io.github.parallel4j.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The lock table under threads: requests that share no key share no lock (every call of every conversation asks
 * for its invocation's lock here), and under racing placements, releases and withdrawals no key is ever held
 * against its mode, no grant is lost and every key is forgotten at the end.
 */
class ResourceLocksConcurrencyTest {

    private final ResourceLocks locks = new ResourceLocks();

    @Test
    void should_place_and_release_a_request_on_another_key_while_one_key_is_being_booked() throws Exception {
        ResourceLocks.Request holder = locks.request(List.of("a"), new boolean[] {true}, () -> true);
        holder.place();
        CountDownLatch booking = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ResourceLocks.LineWatch slowWatch = new ResourceLocks.LineWatch() {
            @Override
            public void waiting(Object key) { // runs holding the lock of key "a"
                booking.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void left(Object key) {}
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            threads.submit(() -> locks.request(List.of("a"), new boolean[] {false}, () -> true, null, slowWatch).place());
            assertThat(booking.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicInteger grantedB = new AtomicInteger();
            CompletableFuture<Void> onB = CompletableFuture.runAsync(() -> {
                ResourceLocks.Request b = locks.request(List.of("b"), new boolean[] {true}, () -> {
                    grantedB.incrementAndGet();
                    return true;
                });
                b.place();
                b.release();
            }, threads);
            // With one monitor for the whole table this waited for key "a"'s bookkeeping to end: it never did.
            onB.get(10, TimeUnit.SECONDS);
            assertThat(grantedB).hasValue(1);
        } finally {
            finish.countDown();
            threads.shutdown();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(locks.keysInUse()).as("a held by the holder, the reader in its line").isEqualTo(1);
    }

    @Test
    void should_never_hold_a_key_against_its_mode_nor_lose_a_grant_when_threads_race() throws Exception {
        List<Object> invocationLocks = List.of(new Object(), new Object(), new Object());
        List<String> keys = List.of("k1", "k2", "k3");
        int threadCount = 8;
        int perThread = 2_000;
        AtomicInteger[] writers = new AtomicInteger[invocationLocks.size() + keys.size()];
        AtomicInteger[] readers = new AtomicInteger[writers.length];
        for (int k = 0; k < writers.length; k++) {
            writers[k] = new AtomicInteger();
            readers[k] = new AtomicInteger();
        }
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger withdrawn = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        ConcurrentLinkedQueue<Grant> held = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(threadCount);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            runs.add(CompletableFuture.runAsync(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                    List<Object> names = new ArrayList<>();
                    List<Integer> slots = new ArrayList<>();
                    int invocation = random.nextInt(invocationLocks.size() + 1); // the last: no invocation lock
                    if (invocation < invocationLocks.size()) {
                        names.add(invocationLocks.get(invocation)); // first, as every call gives it
                        slots.add(invocation);
                    }
                    for (int k = 0; k < keys.size(); k++) { // then the keys, sorted
                        if (random.nextBoolean()) {
                            names.add(keys.get(k));
                            slots.add(invocationLocks.size() + k);
                        }
                    }
                    if (names.isEmpty()) {
                        names.add(keys.get(0));
                        slots.add(invocationLocks.size());
                    }
                    boolean[] writes = new boolean[names.size()];
                    for (int k = 0; k < writes.length; k++) {
                        writes[k] = random.nextInt(3) == 0;
                    }
                    ResourceLocks.Request[] self = new ResourceLocks.Request[1];
                    self[0] = locks.request(names, writes, () -> {
                        for (int k = 0; k < writes.length; k++) {
                            int slot = slots.get(k);
                            int w = writes[k] ? writers[slot].incrementAndGet() : writers[slot].get();
                            int r = writes[k] ? readers[slot].get() : readers[slot].incrementAndGet();
                            if (w > 1 || (w == 1 && r > 0)) {
                                violation.compareAndSet(null, "key " + names.get(k) + ": " + w + " writers, "
                                        + r + " readers");
                            }
                        }
                        granted.incrementAndGet();
                        held.add(new Grant(self[0], slots, writes));
                        return true;
                    }, ended::incrementAndGet);
                    self[0].place();
                    if (random.nextInt(4) == 0 && self[0].cancel()) {
                        withdrawn.incrementAndGet();
                    }
                    Grant done = held.poll(); // release someone's (perhaps another thread's) grant
                    if (done != null) {
                        free(done, writers, readers);
                    }
                }
            }, threads));
        }
        try {
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdown();
        }
        for (Grant done; (done = held.poll()) != null; ) { // releasing may grant more
            free(done, writers, readers);
        }
        assertThat(violation.get()).isNull();
        assertThat(granted.get() + withdrawn.get()).as("every request granted or withdrawn")
                .isEqualTo(threadCount * perThread);
        assertThat(ended).as("every request ended once").hasValue(threadCount * perThread);
        assertThat(locks.keysInUse()).isZero();
    }

    /** A kept grant: the request and, per key, its counter and mode. */
    private record Grant(ResourceLocks.Request request, List<Integer> slots, boolean[] writes) {}

    private static void free(Grant grant, AtomicInteger[] writers, AtomicInteger[] readers) {
        // The holder's counts go first, then its keys: the next holder's counts come after.
        for (int k = 0; k < grant.writes().length; k++) {
            (grant.writes()[k] ? writers : readers)[grant.slots().get(k)].decrementAndGet();
        }
        grant.request().release();
    }
}
