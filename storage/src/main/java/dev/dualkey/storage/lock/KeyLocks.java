package dev.dualkey.storage.lock;

import dev.dualkey.storage.error.SlowDownException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Striped exclusive locks keyed by any object with a stable {@code equals/hashCode}, for atomic
 * read-check-write sequences over RocksDB (which has no transactions in this layer). Example, consuming a
 * one-time code exactly once:
 * <pre>{@code
 * deviceLocks.withLock(serial, () -> {
 *     Device d = devices.get(serial).orElseThrow();
 *     if (step <= d.lastUsedStep()) return false;          // replay
 *     devices.put(serial, d.withLastUsedStep(step));        // synced write while still holding the lock
 *     return true;
 * });
 * }</pre>
 * Rules: a thread never holds two locks of one {@code KeyLocks} instance at once (two keys may share a stripe,
 * and two threads taking them in opposite orders would deadlock); across instances, take locks in the
 * documented order of the owning component. Locks are reentrant. Waiting is bounded: after the deadline the
 * call fails with {@link SlowDownException} instead of hanging.
 */
public final class KeyLocks {
    private final ReentrantLock[] stripes;
    private final Duration deadline;

    /** {@code stripes} locks (rounded up to a power of two), 30 s wait deadline. */
    public KeyLocks(int stripes) {
        this(stripes, Duration.ofSeconds(30));
    }

    public KeyLocks(int stripes, Duration deadline) {
        if (stripes < 1 || stripes > (1 << 20)) {
            throw new IllegalArgumentException("stripes out of range: " + stripes);
        }
        int n = Integer.highestOneBit(stripes);
        if (n < stripes) {
            n <<= 1;
        }
        this.stripes = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            this.stripes[i] = new ReentrantLock();
        }
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /** An acquired lock; close it to release (try-with-resources). */
    public static final class Held implements AutoCloseable {
        private final ReentrantLock lock;
        private boolean released;

        private Held(ReentrantLock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                lock.unlock();
            }
        }
    }

    /** Acquires the lock of {@code key}, waiting at most the deadline. */
    public Held lock(Object key) {
        ReentrantLock l = stripeOf(key);
        try {
            if (!l.tryLock(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SlowDownException("lock wait exceeded " + deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlowDownException("interrupted while waiting for a lock");
        }
        return new Held(l);
    }

    /** Runs {@code action} while holding the lock of {@code key} and returns its result. */
    public <T> T withLock(Object key, Supplier<T> action) {
        try (Held ignored = lock(key)) {
            return action.get();
        }
    }

    /** Runs {@code action} while holding the lock of {@code key}. */
    public void withLock(Object key, Runnable action) {
        try (Held ignored = lock(key)) {
            action.run();
        }
    }

    /** True when the current thread holds the stripe of {@code key} (for assertions of lock order). */
    public boolean isHeldByCurrentThread(Object key) {
        return stripeOf(key).isHeldByCurrentThread();
    }

    /** True when the current thread holds any stripe of this instance. */
    public boolean anyHeldByCurrentThread() {
        for (ReentrantLock l : stripes) {
            if (l.isHeldByCurrentThread()) {
                return true;
            }
        }
        return false;
    }

    private ReentrantLock stripeOf(Object key) {
        int h = Objects.requireNonNull(key, "key").hashCode();
        h ^= (h >>> 16);
        h *= 0x9E3779B9;
        return stripes[(h >>> 7) & (stripes.length - 1)];
    }
}
