package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.schedule.InvocationLockHolders;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The lock that keeps an exclusive write alone among one invocation's calls (exclusive writes take it for
 * writing, the rest for reading), counting the threads that hold it or wait for it: a tool that ignored its
 * interrupt after its turn ended still holds it, and its invocation's state must outlive it, or a later call of
 * the same invocation would get a fresh lock and run inside that write.
 */
final class InvocationLock implements ReadWriteLock, InvocationLockHolders {

    /** Told when a thread starts waiting for the lock, and when it no longer holds nor waits for it. */
    interface Users {
        void entered();

        void left();
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    /** The key with a line of its own in the first table that asked ({@link #key}); null until then. */
    private volatile ResourceLocks.OwnKey key;
    private final Users users;
    private final Lock read;
    private final Lock write;

    InvocationLock(Users users) {
        this.users = users;
        this.read = new Counted(lock.readLock(), users);
        this.write = new Counted(lock.writeLock(), users);
    }

    /**
     * The key the scheduler asks for: one with a line of its own, made for the first table that asks (every call
     * of one invocation asks its installation's), so that no call makes and drops a table entry for it; the lock
     * itself for any other table.
     */
    @Override
    public Object key(ResourceLocks locks) {
        ResourceLocks.OwnKey own = key;
        if (own == null) {
            synchronized (this) {
                if (key == null) {
                    key = locks.ownKey();
                }
                own = key;
            }
        }
        return own.isOf(locks) ? own : this;
    }

    /** The scheduler takes the lock without a thread (as a queue entry) and counts its calls here. */
    @Override
    public void entered() {
        users.entered();
    }

    @Override
    public void left() {
        users.left();
    }

    @Override
    public Lock readLock() {
        return read;
    }

    @Override
    public Lock writeLock() {
        return write;
    }

    /** One side of the lock; a thread counts from the moment it asks until it unlocks or gives up. */
    private static final class Counted implements Lock {
        private final Lock delegate;
        private final Users users;

        Counted(Lock delegate, Users users) {
            this.delegate = delegate;
            this.users = users;
        }

        @Override
        public void lock() {
            users.entered();
            try {
                delegate.lock();
            } catch (RuntimeException | Error e) {
                users.left();
                throw e;
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            users.entered();
            try {
                delegate.lockInterruptibly();
            } catch (InterruptedException | RuntimeException | Error e) {
                users.left();
                throw e;
            }
        }

        @Override
        public boolean tryLock() {
            users.entered();
            boolean locked = false;
            try {
                locked = delegate.tryLock();
                return locked;
            } finally {
                if (!locked) {
                    users.left();
                }
            }
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            users.entered();
            boolean locked = false;
            try {
                locked = delegate.tryLock(time, unit);
                return locked;
            } finally {
                if (!locked) {
                    users.left();
                }
            }
        }

        @Override
        public void unlock() {
            delegate.unlock();
            users.left();
        }

        @Override
        public Condition newCondition() {
            return delegate.newCondition();
        }
    }
}
