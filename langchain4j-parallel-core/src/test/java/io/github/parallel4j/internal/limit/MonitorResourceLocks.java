package io.github.parallel4j.internal.limit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The lock table as it was before each key had its own lock: one monitor for the whole table. Kept as the oracle
 * of {@link ResourceLocksPropertyTest}, which checks that the scalable table grants, queues and withdraws exactly
 * as this one does.
 */
final class MonitorResourceLocks {

    // Guarded by this.
    private final Map<Object, Entry> entries = new HashMap<>();

    /**
     * Makes a request without placing it yet, so that the caller can keep it before any grant can happen.
     *
     * @param keys the keys in the order to take them: any objects with value equality (resource keys as text, an
     *     invocation lock by identity); the same order for every caller
     * @param writes for each key, whether the request takes it for writing (exclusive) or reading (shared)
     * @param onGranted runs once every key is held and answers whether the request keeps them; if it does, the
     *     holder must call {@link Request#release()} exactly once after; if not, they pass on at once
     * @return the request, to {@link Request#place()}
     */
    Request request(List<?> keys, boolean[] writes, BooleanSupplier onGranted) {
        return request(keys, writes, onGranted, null);
    }

    /**
     * As {@link #request(List, boolean[], BooleanSupplier)}, telling {@code onOver} once when the request ends:
     * released, withdrawn, or its grant declined.
     *
     * @param keys the keys in the order to take them
     * @param writes for each key, whether the request writes it
     * @param onGranted as for the other form
     * @param onOver runs once, outside the table's monitor, when the request holds and waits for nothing any
     *     more; null for nothing
     * @return the request, to {@link Request#place()}
     */
    Request request(List<?> keys, boolean[] writes, BooleanSupplier onGranted, Runnable onOver) {
        return request(keys, writes, onGranted, onOver, null);
    }

    /**
     * As {@link #request(List, boolean[], BooleanSupplier, Runnable)}, telling {@code watch} where the request waits.
     *
     * @param keys the keys in the order to take them
     * @param writes for each key, whether the request writes it
     * @param onGranted as for the other forms
     * @param onOver as for the other forms, or null
     * @param watch told when the request joins a key's line and when it leaves it, or null
     * @return the request, to {@link Request#place()}
     */
    Request request(List<?> keys, boolean[] writes, BooleanSupplier onGranted, Runnable onOver,
            LineWatch watch) {
        if (keys.size() != writes.length) {
            throw new IllegalArgumentException("one mode per key: " + keys.size() + " keys, " + writes.length + " modes");
        }
        return new Request(keys.toArray(), writes.clone(), onGranted, onOver, watch);
    }

    /**
     * Told where a request waits: when it joins a key's line (the key is held by others, or others wait before it)
     * and when it leaves that line, with the key or withdrawn. Called holding the table's monitor: it must be short
     * and take no lock but a leaf one of its own. A request granted its keys at once is never told anything.
     */
    interface LineWatch {
        /** @param key the key in whose line the request waits now */
        void waiting(Object key);

        /** @param key the key whose line the request left: it holds the key now, or was withdrawn */
        void left(Object key);
    }

    /** @return how many keys are held or waited for now */
    public synchronized int keysInUse() {
        return entries.size();
    }

    /** @return whether the key is held or waited for now */
    public synchronized boolean inUse(Object key) {
        return entries.containsKey(key);
    }

    /** One call's claim on its keys. */
    final class Request {

        private final Object[] keys;
        private final boolean[] writes;
        private final BooleanSupplier onGranted;
        private final Runnable onOver;
        private final LineWatch watch;
        // Guarded by MonitorResourceLocks.this.
        private int held;
        private Entry waitingAt;
        private boolean placed;
        private boolean over;

        private Request(Object[] keys, boolean[] writes, BooleanSupplier onGranted, Runnable onOver,
                LineWatch watch) {
            this.keys = keys;
            this.writes = writes;
            this.onGranted = onGranted;
            this.onOver = onOver;
            this.watch = watch;
        }

        private void over() {
            if (onOver != null) {
                onOver.run();
            }
        }

        /** Places the request: its keys are taken at once where free, and it waits in line for the rest. */
        public void place() {
            boolean granted;
            synchronized (MonitorResourceLocks.this) {
                if (placed) {
                    throw new IllegalStateException("a request is placed once");
                }
                placed = true;
                granted = advance(this);
            }
            if (granted) {
                List<Request> grants = new ArrayList<>(1);
                grants.add(this);
                deliver(grants);
            }
        }

        /**
         * Withdraws the request if it still waits: whatever keys it holds already are released.
         *
         * @return true when it was waiting and will now never be granted; false when it was granted already (or
         *     is being granted), or released
         */
        public boolean cancel() {
            List<Request> grants = new ArrayList<>();
            synchronized (MonitorResourceLocks.this) {
                if (over || waitingAt == null) {
                    return false;
                }
                waitingAt.queue.remove(this);
                if (watch != null) {
                    watch.left(keys[held]);
                }
                Entry left = waitingAt;
                waitingAt = null;
                over = true;
                promote(left, grants); // it may have blocked the requests behind it
                unlock(this, grants);
            }
            deliver(grants);
            over();
            return true;
        }

        /** Releases every key the granted request holds; a second call does nothing. */
        public void release() {
            List<Request> grants = new ArrayList<>();
            synchronized (MonitorResourceLocks.this) {
                if (over || waitingAt != null) {
                    return;
                }
                over = true;
                unlock(this, grants);
            }
            deliver(grants);
            over();
        }
    }

    /** Takes the request's next keys while they are free; true when it holds all of them. Called holding this. */
    private boolean advance(Request r) {
        while (r.held < r.keys.length) {
            Object key = r.keys[r.held];
            Entry entry = entries.computeIfAbsent(key, k -> new Entry());
            if (!entry.queue.isEmpty() || !entry.admits(r.writes[r.held])) {
                entry.queue.add(r);
                r.waitingAt = entry;
                if (r.watch != null) {
                    r.watch.waiting(key);
                }
                return false;
            }
            entry.take(r.writes[r.held]);
            r.held++;
        }
        return true;
    }

    /** Gives up every key a request holds, passing each to the requests first in its line. Called holding this. */
    private void unlock(Request r, List<Request> grants) {
        for (int k = r.held - 1; k >= 0; k--) {
            Entry entry = entries.get(r.keys[k]);
            entry.give(r.writes[k]);
            promote(entry, grants);
        }
        r.held = 0;
        if (r.waitingAt == null) {
            forgetIfIdle(r);
        }
    }

    /** Grants a key to the requests first in its line that it admits now. Called holding this. */
    private void promote(Entry entry, List<Request> grants) {
        while (!entry.queue.isEmpty() && entry.admits(entry.queue.peek().writes[entry.queue.peek().held])) {
            Request next = entry.queue.poll();
            next.waitingAt = null;
            if (next.watch != null) {
                next.watch.left(next.keys[next.held]);
            }
            entry.take(next.writes[next.held]);
            next.held++;
            if (advance(next)) {
                grants.add(next);
            }
        }
    }

    private void forgetIfIdle(Request r) {
        for (Object key : r.keys) {
            Entry entry = entries.get(key);
            if (entry != null && entry.idle()) {
                entries.remove(key);
            }
        }
    }

    /** Runs grant callbacks outside the monitor; a request that declines its keys passes them on at once. */
    private void deliver(List<Request> grants) {
        for (int k = 0; k < grants.size(); k++) {
            Request r = grants.get(k);
            boolean kept;
            try {
                kept = r.onGranted.getAsBoolean();
            } catch (RuntimeException | Error e) {
                kept = false; // a broken callback must not keep keys that nobody will release
            }
            if (!kept) {
                boolean ended = false;
                synchronized (this) {
                    if (!r.over) {
                        r.over = true;
                        unlock(r, grants);
                        ended = true;
                    }
                }
                if (ended) {
                    r.over();
                }
            }
        }
    }

    /** One key's holders and line. Guarded by the table's monitor. */
    private static final class Entry {
        final ArrayDeque<Request> queue = new ArrayDeque<>(2);
        int readers;
        boolean writer;

        boolean admits(boolean write) {
            return write ? !writer && readers == 0 : !writer;
        }

        void take(boolean write) {
            if (write) {
                writer = true;
            } else {
                readers++;
            }
        }

        void give(boolean write) {
            if (write) {
                writer = false;
            } else {
                readers--;
            }
        }

        boolean idle() {
            return !writer && readers == 0 && queue.isEmpty();
        }
    }
}
