package io.github.parallel4j.internal.limit;

import io.github.parallel4j.internal.Internal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Read/write exclusion per resource key, across every turn that shares this object, so that safety does not
 * depend on a batch being known: a call that arrives alone (streaming, re-prompts, another conversation) still
 * never overlaps a write to one of its keys.
 *
 * <p>Like {@link FairSlots}, it never blocks a thread: a {@link Request} either holds
 * its keys at once or waits in each key's line, and releasing a key hands it to the requests first in that line.
 * A waiting call is an entry in a queue, not a parked thread, so a write stuck behind an abandoned call holds no
 * thread of anyone else's. Lines are fair: a read waits behind an earlier write to the same key, and consecutive
 * reads at the head of a line are granted together. A request takes its keys one by one in the order given, and
 * every caller gives them in one order (sorted), so two requests can never wait for each other. A key's entry
 * exists only while some request holds it or waits for it.
 *
 * <p>Thread-safe, and scalable: every key has its own lock, held only for bookkeeping, and no lock is shared by
 * requests that share no key (every call of every conversation asks for its invocation's lock here, so one monitor
 * for the whole table was entered twice per call JVM-wide, and contended under a thousand conversations). A thread
 * holds one key's lock at a time, except that releasing a key hands it on while holding it, and the request it
 * hands it to then takes its next keys, which come later in the one order of keys: locks are only ever nested in
 * that order, so they cannot deadlock. A request waiting at a key moves on only while that key's lock is held, so
 * a withdrawal that holds it sees the request either still in line or already moved on. Grant callbacks run after
 * every lock is let go, on the thread that made the grant possible (the requester, or the one releasing).
 */
@Internal
public final class ResourceLocks {

    private static final VarHandle PLACED;
    private static final VarHandle OVER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PLACED = lookup.findVarHandle(Request.class, "placed", boolean.class);
            OVER = lookup.findVarHandle(Request.class, "over", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The keys held or waited for; an entry leaves once idle, holding its own lock. */
    private final ConcurrentHashMap<Object, Entry> entries = new ConcurrentHashMap<>();

    /**
     * A key that keeps its own line instead of an entry in the table: for a key that request after request takes
     * for a long time, such as an invocation's lock, which every call of the invocation takes first and which would
     * otherwise join the table and leave it again on every call. Equal only to itself; a key of this table only
     * ({@link #ownKey()}), and it is never in {@link #keysInUse()}.
     */
    public final class OwnKey {
        private final Entry entry = new Entry(this);

        private OwnKey() {}

        /** @return whether this key belongs to the given table */
        public boolean isOf(ResourceLocks locks) {
            return locks == ResourceLocks.this;
        }

        @Override
        public String toString() {
            return "OwnKey@" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    /** @return whether some request holds or waits for the key now; for tests, as {@link #keysInUse()} */
    boolean inUse(OwnKey key) {
        synchronized (key.entry) {
            return !key.entry.idle();
        }
    }

    /** @return a new key with a line of its own, for requests to this table only */
    public OwnKey ownKey() {
        return new OwnKey();
    }

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
    public Request request(List<?> keys, boolean[] writes, BooleanSupplier onGranted) {
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
    public Request request(List<?> keys, boolean[] writes, BooleanSupplier onGranted, Runnable onOver) {
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
    public Request request(List<?> keys, boolean[] writes, BooleanSupplier onGranted, Runnable onOver,
            LineWatch watch) {
        if (keys.size() != writes.length) {
            throw new IllegalArgumentException("one mode per key: " + keys.size() + " keys, " + writes.length + " modes");
        }
        for (Object key : keys) {
            if (key instanceof OwnKey own && !own.isOf(this)) {
                throw new IllegalArgumentException("a key with a line of its own serves only the table that made it");
            }
        }
        return new Request(keys.toArray(), writes.clone(), onGranted, onOver, watch);
    }

    /**
     * Told where a request waits: when it joins a key's line (the key is held by others, or others wait before it)
     * and when it leaves that line, with the key or withdrawn. Called holding the key's lock (and perhaps the lock
     * of an earlier key): it must be short and take no lock but a leaf one of its own. A request granted its keys at once is never told anything.
     */
    public interface LineWatch {
        /** @param key the key in whose line the request waits now */
        void waiting(Object key);

        /** @param key the key whose line the request left: it holds the key now, or was withdrawn */
        void left(Object key);
    }

    /**
     * @return how many keys other than {@link OwnKey}s are held or waited for now (exact when no request is being
     *     placed or released)
     */
    public int keysInUse() {
        return entries.size();
    }

    /** One call's claim on its keys. */
    public final class Request {

        private final Object[] keys;
        private final boolean[] writes;
        private final BooleanSupplier onGranted;
        private final Runnable onOver;
        private final LineWatch watch;
        /**
         * How many of its keys it holds, the first ones. Written by the one thread moving it (placing it, or handing
         * it a key), holding the lock of the key it takes or waits at; read after that lock or after its grant.
         */
        private int held;
        /** The key in whose line it waits, or null; written holding that key's lock (and the one it moved from). */
        private volatile Entry waitingAt;
        private volatile boolean placed;
        /** Set once, by whichever ends it first: its release, its withdrawal, or its declined grant. */
        private volatile boolean over;

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
            if (!PLACED.compareAndSet(this, false, true)) {
                throw new IllegalStateException("a request is placed once");
            }
            if (advance(this) == null) {
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
            while (true) {
                Entry line = waitingAt;
                if (line == null || over) {
                    return false;
                }
                synchronized (line) {
                    if (waitingAt != line) {
                        continue; // it moved on meanwhile (to the next key's line, or holding every key): look again
                    }
                    line.queue.remove(this);
                    if (watch != null) {
                        watch.left(keys[held]);
                    }
                    waitingAt = null;
                    over = true;
                    promote(line, grants); // it may have blocked the requests behind it
                    forgetIfIdle(line);
                }
                break;
            }
            unlock(this, grants); // its earlier keys, each under its own lock: never nested against the order
            deliver(grants);
            over();
            return true;
        }

        /** Releases every key the granted request holds; a second call does nothing. */
        public void release() {
            if (waitingAt != null || !OVER.compareAndSet(this, false, true)) {
                return;
            }
            List<Request> grants = new ArrayList<>();
            unlock(this, grants);
            deliver(grants);
            over();
        }
    }

    /**
     * Takes the request's next keys while they are free, each under its own lock, and puts it in line at the first
     * that is not.
     *
     * @return the entry in whose line it waits now, or null when it holds every key
     */
    private Entry advance(Request r) {
        while (r.held < r.keys.length) {
            Object key = r.keys[r.held];
            Entry entry = key instanceof OwnKey own ? own.entry : entries.computeIfAbsent(key, Entry::new);
            synchronized (entry) {
                if (entry.gone) {
                    continue; // it went idle and left the table since it was looked up: take the one there now
                }
                boolean write = r.writes[r.held];
                if (entry.hasLine() || !entry.admits(write)) {
                    entry.line().add(r);
                    r.waitingAt = entry;
                    if (r.watch != null) {
                        r.watch.waiting(key);
                    }
                    return entry;
                }
                entry.take(write);
                r.held++;
            }
        }
        return null;
    }

    /** Gives up every key a request holds, last first, passing each to the requests first in its line. */
    private void unlock(Request r, List<Request> grants) {
        for (int k = r.held - 1; k >= 0; k--) {
            Object key = r.keys[k];
            Entry entry = key instanceof OwnKey own ? own.entry : entries.get(key); // there while the request holds it
            synchronized (entry) {
                entry.give(r.writes[k]);
                promote(entry, grants);
                forgetIfIdle(entry);
            }
        }
        r.held = 0;
    }

    /**
     * Grants a key to the requests first in its line that it admits now; each then takes its later keys (locks
     * nested in the order of keys) and is granted, or waits at the next. Called holding the entry's lock, so that the
     * request leaves this line and joins the next at once for anyone withdrawing it.
     */
    private void promote(Entry entry, List<Request> grants) {
        while (entry.hasLine() && entry.admits(entry.queue.peek().writes[entry.queue.peek().held])) {
            Request next = entry.queue.poll();
            if (next.watch != null) {
                next.watch.left(next.keys[next.held]);
            }
            entry.take(next.writes[next.held]);
            next.held++;
            if (advance(next) == null) {
                next.waitingAt = null; // holds every key: no longer waiting here (nor anywhere)
                grants.add(next);
            }
        }
    }

    /** Takes an idle entry out of the table (an {@link OwnKey}'s is never in it). Called holding its lock. */
    private void forgetIfIdle(Entry entry) {
        if (entry.idle() && !(entry.key instanceof OwnKey)) {
            entry.gone = true;
            entries.remove(entry.key, entry);
        }
    }

    /** Runs grant callbacks outside every lock; a request that declines its keys passes them on at once. */
    private void deliver(List<Request> grants) {
        for (int k = 0; k < grants.size(); k++) {
            Request r = grants.get(k);
            boolean kept;
            try {
                kept = r.onGranted.getAsBoolean();
            } catch (RuntimeException | Error e) {
                kept = false; // a broken callback must not keep keys that nobody will release
            }
            if (!kept && OVER.compareAndSet(r, false, true)) {
                unlock(r, grants);
                r.over();
            }
        }
    }

    /** One key's holders and line. Guarded by its own monitor. */
    private static final class Entry {
        final Object key;
        /** The line, made when someone first waits. */
        ArrayDeque<Request> queue;
        int readers;
        boolean writer;
        /** Out of the table: whoever finds it afterwards looks the key up again. */
        boolean gone;

        Entry(Object key) {
            this.key = key;
        }

        boolean hasLine() {
            return queue != null && !queue.isEmpty();
        }

        ArrayDeque<Request> line() {
            if (queue == null) {
                queue = new ArrayDeque<>(2);
            }
            return queue;
        }

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
            return !writer && readers == 0 && !hasLine();
        }
    }
}
