package io.github.parallel4j.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Read/write exclusion per resource key, across every turn that shares this object, so that safety does not
 * depend on a batch being known: a call that arrives alone (streaming, re-prompts, another conversation) still
 * never overlaps a write to one of its keys.
 *
 * <p>Locks are fair (first come, first served) and created on demand; an entry is removed when no call holds or
 * waits for it, so the table holds only keys in use. A call takes all its keys at once, in key order, so two calls
 * can never wait for each other.
 */
public final class ResourceLocks {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * Takes the locks for one call, in key order.
     *
     * @param keys key to whether the call writes it (true) or reads it (false); sorted
     * @return what to release when the call ends
     * @throws InterruptedException when interrupted while waiting; nothing is held then
     */
    public Held acquire(SortedMap<String, Boolean> keys) throws InterruptedException {
        List<Lock> taken = new ArrayList<>(keys.size());
        List<String> referenced = new ArrayList<>(keys.size());
        try {
            for (Map.Entry<String, Boolean> key : keys.entrySet()) {
                Entry entry = entries.compute(key.getKey(), (k, e) -> {
                    Entry result = e == null ? new Entry() : e;
                    result.users++;
                    return result;
                });
                referenced.add(key.getKey());
                Lock lock = key.getValue() ? entry.lock.writeLock() : entry.lock.readLock();
                lock.lockInterruptibly();
                taken.add(lock);
            }
        } catch (InterruptedException | RuntimeException e) {
            release(taken, referenced);
            throw e;
        }
        return () -> release(taken, referenced);
    }

    private void release(List<Lock> taken, List<String> referenced) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            taken.get(i).unlock();
        }
        for (String key : referenced) {
            entries.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
        }
    }

    /** @return how many keys are held or waited for now */
    public int keysInUse() {
        return entries.size();
    }

    /** Locks held by one call. */
    @FunctionalInterface
    public interface Held {
        /** Releases every lock, on the thread that took them. */
        void release();
    }

    private static final class Entry {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
        int users;
    }
}
