package dev.dualkey.storage.lock;

import dev.dualkey.storage.MemoryOnly;
import dev.dualkey.storage.error.SlowDownException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The object store's striped locks with a fixed hierarchy: <b>bucket -> object key -> upload id</b>.
 * A thread may only acquire a lock of a level deeper than every lock it already holds; anything else (including a
 * second lock of the same level) throws {@link IllegalStateException} before waiting, so an ordering bug fails
 * fast instead of deadlocking. Bucket and key locks are read/write (readers of a key share); upload locks are
 * exclusive. Waits are bounded by a deadline ({@link SlowDownException}).
 *
 * <p>Who takes what: object writes take bucket(read) -> key(write); reads take bucket(read) -> key(read); bucket
 * configuration changes and bucket create/delete take bucket(write); part uploads take bucket(read) -> upload;
 * complete/abort take bucket(read) -> key(write) -> upload.
 *
 * <p>Under {@link MemoryOnly} (a read tried on the event loop) a lock is only taken if it is free at once
 * ({@code tryLock()}, which for a read lock also means no writer holds it); otherwise
 * {@link MemoryOnly.WouldBlock} and the request runs again on the storage executor, where it waits as usual.
 */
public final class LockManager {
    /** Lock levels in acquisition order. */
    public enum Level { BUCKET, KEY, UPLOAD }

    private final ReentrantReadWriteLock[] buckets;
    private final ReentrantReadWriteLock[] keys;
    private final ReentrantReadWriteLock[] uploads;
    private final Duration deadline;
    private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[Level.values().length]);

    public LockManager(int stripes, Duration deadline) {
        int n = Integer.highestOneBit(Math.max(1, stripes));
        buckets = stripes(n);
        keys = stripes(n);
        uploads = stripes(n);
        this.deadline = Objects.requireNonNull(deadline);
    }

    private static ReentrantReadWriteLock[] stripes(int n) {
        ReentrantReadWriteLock[] a = new ReentrantReadWriteLock[n];
        for (int i = 0; i < n; i++) {
            a[i] = new ReentrantReadWriteLock();
        }
        return a;
    }

    /** A held lock; close to release. */
    public final class Held implements AutoCloseable {
        private final Lock lock;
        private final Level level;
        private boolean released;

        private Held(Lock lock, Level level) {
            this.lock = lock;
            this.level = level;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                held.get()[level.ordinal()]--;
                lock.unlock();
            }
        }
    }

    public Held bucketRead(String bucket) {
        ReentrantReadWriteLock rw = stripe(buckets, bucket);
        return acquire(rw, rw.readLock(), Level.BUCKET);
    }

    public Held bucketWrite(String bucket) {
        ReentrantReadWriteLock rw = stripe(buckets, bucket);
        return acquire(rw, rw.writeLock(), Level.BUCKET);
    }

    public Held keyRead(String bucket, String key) {
        ReentrantReadWriteLock rw = stripe(keys, bucket, key);
        return acquire(rw, rw.readLock(), Level.KEY);
    }

    public Held keyWrite(String bucket, String key) {
        ReentrantReadWriteLock rw = stripe(keys, bucket, key);
        return acquire(rw, rw.writeLock(), Level.KEY);
    }

    public Held upload(String uploadId) {
        ReentrantReadWriteLock rw = stripe(uploads, uploadId);
        return acquire(rw, rw.writeLock(), Level.UPLOAD);
    }

    /** True when the current thread holds any lock of {@code level}. */
    public boolean holds(Level level) {
        return held.get()[level.ordinal()] > 0;
    }

    private Held acquire(ReentrantReadWriteLock rw, Lock lock, Level level) {
        int[] h = held.get();
        for (int l = level.ordinal(); l < h.length; l++) {
            if (h[l] > 0) {
                throw new IllegalStateException("lock order violated: acquiring " + level + " while holding "
                        + Level.values()[l] + " (order is bucket -> key -> upload, one per level)");
            }
        }
        if (MemoryOnly.active()) {
            // the event loop never waits: a held lock (a PUT publishing this key, a bucket change) means fall back
            // queued threads (a writer waiting): not barging past them, so loop reads never starve a PUT
            if (rw.hasQueuedThreads() || !lock.tryLock()) {
                throw new MemoryOnly.WouldBlock("held " + level + " lock");
            }
            h[level.ordinal()]++;
            return new Held(lock, level);
        }
        try {
            if (!lock.tryLock(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SlowDownException("timed out waiting for a " + level + " lock");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlowDownException("interrupted waiting for a " + level + " lock");
        }
        h[level.ordinal()]++;
        return new Held(lock, level);
    }

    private static ReentrantReadWriteLock stripe(ReentrantReadWriteLock[] a, Object... parts) {
        int h = 1;
        for (Object p : parts) {
            h = 31 * h + p.hashCode();
        }
        h ^= h >>> 16;
        h *= 0x9E3779B9;
        return a[(h >>> 8) & (a.length - 1)];
    }
}
