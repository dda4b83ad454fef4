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

/**
 * Shared body handling of object and part writers: digests every byte once, keeps up to {@code inlineThreshold}
 * bytes in memory and spills to a blob temp file beyond it, verifies expectations, and delegates publishing.
 * Memory is bounded by the threshold whatever the body size.
 *
 * <p>Encryption at rest: after {@link #sealWith}, a blob is created with the sealed id suffix and bytes pass
 * through a {@link Sealer} (its header first, then 64 KiB chunks); inline bytes are sealed whole at commit with the
 * writer's inline context. Digests (MD5 ETag, checksums) are always of the plaintext.
 */
abstract class RocksBodyWriter<R> extends DigestingBodyWriter<R> {
    private final BlobStore blobs;
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
        digests().update(src);
        if (blob == null) {
            startBlob();
        }
        toBlob(src);
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
