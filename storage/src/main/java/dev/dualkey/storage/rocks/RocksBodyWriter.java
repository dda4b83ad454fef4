package dev.dualkey.storage.rocks;

import dev.dualkey.storage.DigestingBodyWriter;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.crypto.Sealer;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Shared body handling of object and part writers: digests every byte once, keeps up to {@code inlineThreshold}
 * bytes in memory and spills to a blob temp file beyond it, verifies expectations, and delegates publishing.
 * Memory is bounded by the threshold whatever the body size.
 *
 * <p>Encryption at rest: after {@link #sealWith}, a blob is created with the sealed id suffix and bytes pass
 * through a {@link Sealer} (its header first, then 64 KiB chunks); inline bytes are sealed whole at commit with the
 * writer's inline context. Digests (MD5 ETag, checksums) are always of the plaintext.
 *
 * <p>Two cores for a large body: once a body spills to a blob, its digests (MD5 at about 1.4 ns per byte, the
 * checksums) run on a {@link #DIGESTING} thread while the writer's own thread encrypts and writes, so a single
 * upload is no longer bounded by one core doing all of MD5, AES-GCM and the file write in sequence. Each write is
 * copied once and queued in order (one chain of tasks per writer, so the digests see the bytes in order); at most
 * {@link #LANE_BYTES} copied bytes wait per writer, beyond which {@link #write} waits (back-pressure: memory per
 * request stays bounded). Every reader of the digests ({@link #commit}, the accessors) first waits for the chain
 * ({@link #settleDigests}). Inline bodies (up to the inline threshold) are digested on the writer's thread: a hand-off
 * costs more than their digests.
 */
abstract class RocksBodyWriter<R> extends DigestingBodyWriter<R> {
    /**
     * Copied, not yet digested bytes a writer may have queued before its {@link #write} waits: four of Netty's 64 KiB
     * reads, enough to keep the digest thread busy; what a large upload holds beyond the sealer's 2 x 64 KiB.
     */
    static final int LANE_BYTES = 256 << 10;
    /**
     * The copies queued for {@link #DIGESTING}, all writers together: 64 chunks of 64 KiB (4 MiB; 16 writers with a
     * full lane), allocated once and reused (issue 19: fresh copies, alive at each young collection with many
     * uploads in flight, were promoted and filled the old generation). A writer waits for a chunk beyond that; the
     * digest threads give chunks back whatever the writers do, so the wait ends.
     */
    static final CopyChunks COPIES = new CopyChunks(64, 64 << 10);
    /** Digests large bodies beside their writers' threads; daemon threads, created on first use, one per core. */
    private static final ExecutorService DIGESTING = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "dualkey-body-digest");
                t.setDaemon(true);
                return t;
            });

    private final BlobStore blobs;
    /** Room left in this writer's digest lane, in bytes ({@link #LANE_BYTES} at most). */
    private final Semaphore laneRoom = new Semaphore(LANE_BYTES);
    /** The last queued digest task (completed when none is queued); each task runs after the one before. */
    private CompletableFuture<Void> laneTail = CompletableFuture.completedFuture(null);
    private final int inlineThreshold;
    private byte[] buffer = new byte[0];
    private int buffered;
    private BlobStore.BlobOutput blob;
    private KeyWrapper keys;
    private byte[] inlineContext;
    private Sealer sealer;

    RocksBodyWriter(BlobStore blobs, int inlineThreshold, boolean sha256, Set<ChecksumAlgorithm> algorithms) {
        super(new BodyDigests(sha256, algorithms));
        this.blobs = blobs;
        this.inlineThreshold = inlineThreshold;
    }

    @Override
    public void write(ByteBuffer src) {
        requireOpen();
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        if (blob == null && (long) buffered + n <= inlineThreshold) {
            if (buffered + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(inlineThreshold, Math.max(buffered + n, buffer.length * 2)));
            }
            src.get(buffer, buffered, n);
            // digested from the copy: a heap array goes straight to the digests, where the network's direct
            // buffer would be copied once more, 4 KiB at a time, by every MessageDigest
            digests().update(ByteBuffer.wrap(buffer, buffered, n));
            buffered += n;
            return;
        }
        digestAside(src);
        if (blob == null) {
            startBlob();
        }
        toBlob(src);
    }

    /**
     * Queues the digests of {@code src}'s remaining bytes (copied into {@link #COPIES} chunks, in order; the position
     * does not move). Waits while the writer's lane is full or, across all writers, every chunk is queued.
     */
    private void digestAside(ByteBuffer src) {
        ByteBuffer rest = src.duplicate();
        while (rest.hasRemaining()) {
            int n = Math.min(rest.remaining(), COPIES.chunkBytes());
            laneRoom.acquireUninterruptibly(n); // first the writer's own room: a chunk is never held while waiting
            byte[] copy = COPIES.take();
            rest.get(copy, 0, n);
            BodyDigests d = digests();
            laneTail = laneTail.handleAsync((ignored, failure) -> {
                try {
                    if (failure != null) {
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    d.update(ByteBuffer.wrap(copy, 0, n));
                    return null;
                } finally {
                    COPIES.give(copy);
                    laneRoom.release(n);
                }
            }, DIGESTING);
        }
    }

    @Override
    protected final void settleDigests() {
        try {
            laneTail.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("digesting the body failed", e.getCause());
        }
    }

    /**
     * Sizes the inline buffer once for a body that stays inline, instead of growing it by doubling (two to four
     * copies of a 64 KiB body and as much garbage). A wrong declaration only costs the copies again: commit checks
     * the length, and the buffer never exceeds the inline threshold.
     */
    @Override
    public void declareLength(long length) {
        if (blob == null && buffered == 0 && length > buffer.length && length <= inlineThreshold) {
            buffer = new byte[(int) length];
        }
    }

    /**
     * Encrypt what this writer stores (call from the subclass constructor, before any write).
     *
     * @param keys          wraps each blob's or inline value's data key; null = store in the clear
     * @param inlineContext context of an inline value ({@link SealedLayout#inlineContext})
     */
    final void sealWith(KeyWrapper keys, byte[] inlineContext) {
        this.keys = keys;
        this.inlineContext = inlineContext;
    }

    /** True when the inline bytes handed to {@link #publish} are sealed. */
    final boolean sealsInline() {
        return keys != null;
    }

    private void startBlob() {
        blob = blobs.create(keys == null ? "" : SealedLayout.BLOB_ID_SUFFIX);
        if (keys != null) {
            sealer = Sealer.streaming(keys, SealedLayout.blobContext(blob.id()));
            blob.write(ByteBuffer.wrap(sealer.header()));
        }
        toBlob(ByteBuffer.wrap(buffer, 0, buffered));
        buffer = null;
    }

    private void toBlob(ByteBuffer src) {
        if (sealer == null) {
            blob.write(src);
        } else {
            sealer.write(src, blob::write);
        }
    }

    @Override
    public final R commit(Expectations expected) {
        requireOpen();
        try {
            settleDigests();
            expected.check(digests());
            if (sealer != null) {
                sealer.finish(blob::write);
            }
            byte[] inline = null;
            if (blob == null) {
                inline = keys != null && buffered > 0 ? Sealer.sealAll(keys, inlineContext, buffer, 0, buffered)
                        : buffered == buffer.length ? buffer : Arrays.copyOf(buffer, buffered); // declared: exact size
            }
            R result = publish(digests(), inline, blob);
            markCommitted();
            buffer = null;
            return result;
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    /**
     * Makes the body visible. Exactly one of {@code inline} (bytes, maybe empty) and {@code blob} (unpublished temp
     * blob) is non-null. On failure the implementation must leave no visible change; the caller then aborts.
     */
    abstract R publish(BodyDigests digests, byte[] inline, BlobStore.BlobOutput blob);

    /**
     * Creates the blob temp file now, from {@link #publish} only (writers that must always produce a blob, e.g.
     * parts): every byte has arrived, so a sealed blob's final chunk is written at once.
     */
    BlobStore.BlobOutput forceBlob() {
        if (blob == null) {
            startBlob();
            if (sealer != null) {
                sealer.finish(blob::write);
            }
        }
        return blob;
    }

    @Override
    public void abort() {
        if (markAborted()) {
            buffer = null;
            if (blob != null) {
                blob.discard();
            }
        }
    }
}
