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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
 * copied once, into {@link #LANE_PIECE}-byte pieces, and queued in order (one chain of tasks per writer, so the digests
 * see the bytes in order). A writer owns at most {@link #LANE_BYTES} / {@link #LANE_PIECE} pieces, allocated on first
 * use and handed back by the digest task when it is done with one; with all of them queued, {@link #write} waits
 * for one to come back (back-pressure: memory per request stays bounded, and a 256 MiB body allocates 256 KiB of
 * pieces instead of a fresh array per network read). Every reader of the digests ({@link #commit}, the accessors) first waits for the chain
 * ({@link #settleDigests}). Inline bodies (up to the inline threshold) are digested on the writer's thread: a hand-off
 * costs more than their digests.
 */
abstract class RocksBodyWriter<R> extends DigestingBodyWriter<R> {
    /**
     * Copied, not yet digested bytes a writer may have queued before its {@link #write} waits: four of Netty's 64 KiB
     * reads, enough to keep the digest thread busy; what a large upload holds beyond the sealer's 2 x 64 KiB.
     */
    static final int LANE_BYTES = 256 << 10;
    /** One reusable copy buffer of the lane: Netty's largest read, and the sealer's chunk. */
    static final int LANE_PIECE = 64 << 10;
    /** Digests large bodies beside their writers' threads; daemon threads, created on first use, one per core. */
    private static final ExecutorService DIGESTING = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "dualkey-body-digest");
                t.setDaemon(true);
                return t;
            });

    private final BlobStore blobs;
    /**
     * Lane pieces the digest tasks have handed back, ready to reuse; the writer's thread takes, digest threads add.
     * Never holds more than the pieces allocated.
     */
    private final ArrayBlockingQueue<byte[]> freePieces = new ArrayBlockingQueue<>(LANE_BYTES / LANE_PIECE);
    /** Lane pieces allocated so far (writer's thread only), at most {@link #LANE_BYTES} / {@link #LANE_PIECE}. */
    private int lanePieces;
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

    /** Queues the digests of {@code src}'s remaining bytes (copied into lane pieces; the position does not move). */
    private void digestAside(ByteBuffer src) {
        ByteBuffer rest = src.duplicate();
        BodyDigests d = digests();
        while (rest.hasRemaining()) {
            byte[] piece = takePiece();
            int n = Math.min(rest.remaining(), piece.length);
            rest.get(piece, 0, n);
            laneTail = laneTail.handleAsync((ignored, failure) -> {
                try {
                    if (failure != null) {
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    d.update(ByteBuffer.wrap(piece, 0, n));
                    return null;
                } finally {
                    freePieces.add(piece);
                }
            }, DIGESTING);
        }
    }

    /**
     * A free lane piece: a handed-back one, else a new one while fewer than the lane's share exist, else waits for
     * the digest thread to hand one back (the back-pressure; never on an event loop: writers run on storage threads).
     */
    private byte[] takePiece() {
        byte[] piece = freePieces.poll();
        if (piece != null) {
            return piece;
        }
        if (lanePieces < LANE_BYTES / LANE_PIECE) {
            lanePieces++;
            return new byte[LANE_PIECE];
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return freePieces.take();
                } catch (InterruptedException e) {
                    interrupted = true; // like the semaphore before: the queued digests must still see every byte
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
