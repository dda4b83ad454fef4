package dev.dualkey.storage.rocks;

import dev.dualkey.storage.DigestingBodyWriter;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.crypto.Sealer;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
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
 * copied once and queued in order (one lane per writer, drained by at most one task at a time, so the digests see
 * the bytes in order; lock order: the lane's monitor only, never held while digesting or waiting for room); at most
 * {@link #LANE_BYTES} copied bytes wait per writer, beyond which {@link #write} waits (back-pressure: memory per
 * request stays bounded). Every reader of the digests ({@link #commit}, the accessors) first waits for the chain
 * ({@link #settleDigests}). Inline bodies (up to the inline threshold) are digested on the writer's thread: a hand-off
 * costs more than their digests.
 *
 * <p>A sealed inline body of declared length (every PutObject up to the inline threshold, e.g. the 64 KiB PUT of
 * issue 19) is digested and sealed piece by piece as it arrives ({@link Sealer#whole}): each piece of the network's
 * buffer is copied once into a small per-thread {@link #SCRATCH}, digested (MD5, checksums) and encrypted from it
 * while it is in the L1 cache, straight into the stored value. Before, the body was copied into a plaintext array
 * of its size (allocated and zeroed per PUT), digested from it, then read once more by {@link Sealer#sealAll} into a
 * second array. Nothing changes for what is stored or checked: the value is the same {@link SealedLayout}, the digests
 * are of the plaintext, commit verifies them (and that the length equals the declaration) before anything is
 * published, and a body longer or shorter than declared fails with IncompleteBody and stores nothing.
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

    /**
     * Per storage thread: the piece of a network (direct) buffer being digested and sealed by {@link #sealInline};
     * 8 KiB, the slice the JDK's GCM intrinsics get ({@code SealedLayout.ENCRYPT_SLICE}). Used only within one
     * {@link #write} call, so writers never share its contents.
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8 << 10]);

    private final BlobStore blobs;
    /** Room left in this writer's digest lane, in bytes ({@link #LANE_BYTES} at most). */
    private final Semaphore laneRoom = new Semaphore(LANE_BYTES);
    /**
     * Copies queued for the digests, in write order; also the monitor of {@link #draining} (the writer's thread
     * queues, one {@link #drain} at a time takes).
     */
    private final ArrayDeque<Piece> lane = new ArrayDeque<>();
    /** A {@link #drain} task is queued or running for this writer; guarded by {@link #lane}. */
    private boolean draining;
    /** The first failure of a digest update; later pieces are then only given back. */
    private volatile Throwable laneFailure;
    /** Set by {@link #abort}: queued pieces are given back without being digested. */
    private volatile boolean discarding;
    private final int inlineThreshold;
    private byte[] buffer = new byte[0];
    private int buffered;
    private BlobStore.BlobOutput blob;
    private KeyWrapper keys;
    private byte[] inlineContext;
    private Sealer sealer;
    /** A sealed inline body of declared length, sealed as it arrives ({@link #declareLength}), else null. */
    private Sealer inlineSealer;
    /** The body length declared before the first byte ({@link #declareLength}), else -1. */
    private long declared = -1;

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
        if (inlineSealer != null) {
            sealInline(src);
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
        if (blob == null) {
            startBlob(declared);
        }
        if (sealer != null && declared >= 0) {
            digestAside(src, true); // sealed from the lane's copies: no copy of its own
            src.position(src.limit());
        } else {
            digestAside(src, false);
            toBlob(src);
        }
    }

    /**
     * Digests and seals {@code src}'s remaining bytes (consumed) into the inline value: straight from a heap array, or
     * from {@link #SCRATCH} one 8 KiB piece at a time. Bytes beyond the declaration are digested (so the length
     * check at commit sees them) but not sealed.
     */
    private void sealInline(ByteBuffer src) {
        if (src.hasArray()) {
            digests().update(src);
            inlineSealer.write(src.array(), src.arrayOffset() + src.position(), src.remaining(), null);
            src.position(src.limit());
            return;
        }
        byte[] scratch = SCRATCH.get();
        while (src.hasRemaining()) {
            int k = Math.min(src.remaining(), scratch.length);
            src.get(scratch, 0, k);
            digests().update(ByteBuffer.wrap(scratch, 0, k));
            inlineSealer.write(scratch, 0, k, null);
        }
    }

    /** One copy waiting in the lane: {@code n} bytes of a {@link #COPIES} chunk. */
    private record Piece(byte[] copy, int n) {
    }

    /**
     * Queues the digests of {@code src}'s remaining bytes (copied into {@link #COPIES} chunks, in order; the position
     * does not move). Waits while the writer's lane is full or, across all writers, every chunk is queued. Starts a
     * {@link #drain} only when none is queued or running: one hand-off per backlog, not one task per chunk.
     *
     * @param seal also seal each copy into the blob before queueing it (known-length {@link Sealer}): the sealer
     *             reads the lane's copy instead of copying the bytes once more into a plaintext chunk (issue 19)
     */
    private void digestAside(ByteBuffer src, boolean seal) {
        ByteBuffer rest = src.duplicate();
        while (rest.hasRemaining()) {
            int n = Math.min(rest.remaining(), COPIES.chunkBytes());
            laneRoom.acquireUninterruptibly(n); // first the writer's own room: a chunk is never held while waiting
            byte[] copy = COPIES.take();
            rest.get(copy, 0, n);
            if (seal) {
                try {
                    sealer.write(copy, 0, n, blob::write);
                } catch (RuntimeException | Error e) {
                    COPIES.give(copy);
                    laneRoom.release(n);
                    throw e;
                }
            }
            boolean start;
            synchronized (lane) {
                lane.add(new Piece(copy, n));
                start = !draining;
                draining = true;
            }
            if (start) {
                DIGESTING.execute(this::drain);
            }
        }
    }

    /**
     * Digests queued pieces in order until the lane is empty, on a {@link #DIGESTING} thread. Each chunk goes back
     * to {@link #COPIES} as soon as it is digested; the writer's room is handed back in halves of the lane (and all
     * of it when the lane runs dry), so a writer waiting for room wakes once per two chunks instead of per chunk.
     * The lane's bound is kept: room comes back only after its chunk did.
     */
    private void drain() {
        int unreleased = 0;
        while (true) {
            Piece p;
            synchronized (lane) {
                p = lane.poll();
                if (p == null && unreleased == 0) {
                    draining = false;
                    lane.notifyAll(); // settleDigests
                    return;
                }
            }
            if (p == null) {
                laneRoom.release(unreleased); // dry: the writer may queue again before this drain ends
                unreleased = 0;
                continue;
            }
            try {
                if (laneFailure == null && !discarding) {
                    digests().update(ByteBuffer.wrap(p.copy(), 0, p.n()));
                }
            } catch (RuntimeException | Error e) {
                laneFailure = e;
            } finally {
                COPIES.give(p.copy());
            }
            unreleased += p.n();
            if (unreleased >= LANE_BYTES / 2) {
                laneRoom.release(unreleased);
                unreleased = 0;
            }
        }
    }

    /** Waits until the lane is empty and no drain runs (the monitor orders the drain's updates before the read). */
    @Override
    protected final void settleDigests() {
        boolean interrupted = false;
        synchronized (lane) {
            while (draining) {
                try {
                    lane.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // digests must settle: the chunks come back whatever the caller does
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = laneFailure;
        if (failure != null) {
            throw new IllegalStateException("digesting the body failed", failure);
        }
    }

    /**
     * Sizes the inline buffer once for a body that stays inline, instead of growing it by doubling (two to four
     * copies of a 64 KiB body and as much garbage). A wrong declaration only costs the copies again: commit checks
     * the length, and the buffer never exceeds the inline threshold.
     */
    @Override
    public void declareLength(long length) {
        if (blob == null && buffered == 0 && length >= 0) {
            declared = length;
        }
        if (blob == null && buffered == 0 && inlineSealer == null && keys != null && inlineContext != null
                && length > 0 && length <= inlineThreshold) {
            inlineSealer = Sealer.whole(keys, inlineContext, (int) length); // sealed as it arrives (class comment)
            return;
        }
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

    /** @param length the body's length when known (a known-length sealer), else -1 */
    private void startBlob(long length) {
        blob = blobs.create(keys == null ? "" : SealedLayout.BLOB_ID_SUFFIX);
        if (keys != null) {
            byte[] context = SealedLayout.blobContext(blob.id());
            sealer = length >= 0 ? Sealer.streaming(keys, context, length) : Sealer.streaming(keys, context);
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
            if (declared >= 0 && (sealer != null || inlineSealer != null) && digests().length() != declared) {
                // the known-length sealer sealed only the declared bytes (Sealer): never a 500 for a wrong declaration
                throw new IncompleteBodyException("expected " + declared + " bytes, received " + digests().length());
            }
            if (sealer != null) {
                sealer.finish(blob::write);
            }
            byte[] inline = null;
            if (inlineSealer != null) {
                inlineSealer.finish(null);
                inline = inlineSealer.sealed();
            } else if (blob == null) {
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
        if (inlineSealer != null) {
            throw new IllegalStateException("an inline-sealed body has no plaintext for a blob"); // parts: no context
        }
        if (blob == null) {
            startBlob(buffered); // every byte is here: its length is known
            if (sealer != null) {
                sealer.finish(blob::write);
            }
        }
        return blob;
    }

    @Override
    public void abort() {
        if (markAborted()) {
            discarding = true;
            buffer = null;
            inlineSealer = null;
            if (blob != null) {
                blob.discard();
            }
        }
    }
}
