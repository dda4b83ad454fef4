package dev.dualkey.storage.rocks;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A bounded pool of equal heap chunks, reused: the copies a large upload's writer queues for its digest thread
 * ({@link RocksBodyWriter}). Issue 19: a fresh copy per network read was 62% of the server's heap allocation during
 * large uploads, and with 64 uploads in flight about 16 MiB of queued copies were alive at every young collection,
 * more than a survivor space holds, so they were promoted and died in the old generation, which filled to the heap
 * limit between full collections (all of {@code -Xmx} resident). Pooled, the chunks are allocated once, promoted
 * once and then live there.
 *
 * <p>Bound: at most {@code chunks} arrays ever exist (taken plus free), {@code chunks x chunkBytes} bytes; a
 * {@link #take} beyond that waits until one is given back. Every chunk taken must be given back exactly once.
 * Thread-safe.
 */
final class CopyChunks {
    private final int chunkBytes;
    private final int chunks;
    /** Chunks not taken; a permit per chunk that may be taken (free or not yet allocated). */
    private final Semaphore room;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

    CopyChunks(int chunks, int chunkBytes) {
        if (chunks < 1 || chunkBytes < 1) {
            throw new IllegalArgumentException("chunks and chunkBytes must be positive");
        }
        this.chunks = chunks;
        this.chunkBytes = chunkBytes;
        this.room = new Semaphore(chunks);
    }

    int chunkBytes() {
        return chunkBytes;
    }

    /** A chunk of {@link #chunkBytes} (contents undefined), waiting while all {@code chunks} are taken. */
    byte[] take() {
        room.acquireUninterruptibly();
        return reuseOrAllocate();
    }

    /** A chunk, or null at once when all {@code chunks} are taken. */
    byte[] tryTake() {
        return room.tryAcquire() ? reuseOrAllocate() : null;
    }

    private byte[] reuseOrAllocate() {
        // a permit is held: taken chunks (this one included) are at most `chunks`; a chunk is allocated only when
        // none is free, so taken + free never exceeds `chunks` (give() queues the chunk before it releases its permit)
        byte[] b = free.poll();
        return b != null ? b : new byte[chunkBytes];
    }

    /** Gives back a chunk from {@link #take}; it may be handed out again at once. */
    void give(byte[] chunk) {
        if (chunk.length != chunkBytes) {
            throw new IllegalArgumentException("not a chunk of this pool");
        }
        free.offer(chunk);
        room.release();
    }

    /** Chunks that may still be taken without waiting. */
    int available() {
        return room.availablePermits();
    }

    /** The bound: chunks that may exist at once. */
    int capacity() {
        return chunks;
    }
}
