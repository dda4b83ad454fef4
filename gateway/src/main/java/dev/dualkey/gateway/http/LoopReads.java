package dev.dualkey.gateway.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of body-less requests tried on the event loop (issue 19: GET and HEAD of small inline objects): how many
 * were answered there and how many fell back to the storage executor because a read would have blocked
 * ({@link dev.dualkey.storage.MemoryOnly.WouldBlock}: a block not in RocksDB's cache, a held lock, a blob file).
 * A request that falls back runs again from the start on the executor, so it is counted once in each of
 * {@link #tried} and {@link #fellBack}.
 */
public final class LoopReads {
    private final AtomicLong tried = new AtomicLong();
    private final AtomicLong fellBack = new AtomicLong();

    /** Requests tried on the event loop. */
    public long tried() {
        return tried.get();
    }

    /** Requests answered on the event loop (success or an S3 error decided there). */
    public long served() {
        return tried.get() - fellBack.get();
    }

    /** Requests that fell back to the storage executor. */
    public long fellBack() {
        return fellBack.get();
    }

    void triedOne() {
        tried.incrementAndGet();
    }

    void fellBackOne() {
        fellBack.incrementAndGet();
    }
}
