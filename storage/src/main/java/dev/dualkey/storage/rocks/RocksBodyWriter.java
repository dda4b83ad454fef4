package dev.dualkey.storage.rocks;

import dev.dualkey.storage.BodyWriter;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.error.BadDigestException;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shared body handling of object and part writers: digests every byte once, keeps up to {@code inlineThreshold}
 * bytes in memory and spills to a blob temp file beyond it, verifies expectations, and delegates publishing.
 * Memory is bounded by the threshold whatever the body size.
 */
abstract class RocksBodyWriter<R> implements BodyWriter<R> {
    private enum State { OPEN, COMMITTED, ABORTED }

    private final BlobStore blobs;
    private final int inlineThreshold;
    private final BodyDigests digests;
    private byte[] buffer = new byte[0];
    private int buffered;
    private BlobStore.BlobOutput blob;
    private State state = State.OPEN;

    RocksBodyWriter(BlobStore blobs, int inlineThreshold, boolean sha256, Set<ChecksumAlgorithm> algorithms) {
        this.blobs = blobs;
        this.inlineThreshold = inlineThreshold;
        this.digests = new BodyDigests(sha256, algorithms);
    }

    @Override
    public void write(ByteBuffer src) {
        requireOpen();
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        digests.update(src);
        if (blob == null && (long) buffered + n <= inlineThreshold) {
            if (buffered + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(inlineThreshold, Math.max(buffered + n, buffer.length * 2)));
            }
            src.get(buffer, buffered, n);
            buffered += n;
            return;
        }
        if (blob == null) {
            blob = blobs.create();
            blob.write(ByteBuffer.wrap(buffer, 0, buffered));
            buffer = null;
        }
        blob.write(src);
    }

    @Override
    public long bytesWritten() {
        return digests.length();
    }

    @Override
    public byte[] md5() {
        return digests.md5();
    }

    @Override
    public byte[] sha256() {
        byte[] s = digests.sha256();
        if (s == null) {
            throw new IllegalStateException("SHA-256 was not requested in WriteOptions");
        }
        return s;
    }

    @Override
    public Optional<String> checksum(ChecksumAlgorithm algorithm) {
        return Optional.ofNullable(digests.checksumBase64(algorithm));
    }

    @Override
    public final R commit(Expectations expected) {
        requireOpen();
        try {
            verify(expected);
            R result = publish(digests, blob == null ? Arrays.copyOf(buffer, buffered) : null, blob);
            state = State.COMMITTED;
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

    /** Creates the blob temp file now (writers that must always produce a blob, e.g. parts). */
    BlobStore.BlobOutput forceBlob() {
        if (blob == null) {
            blob = blobs.create();
            blob.write(ByteBuffer.wrap(buffer, 0, buffered));
            buffer = null;
        }
        return blob;
    }

    private void verify(Expectations e) {
        if (e.contentLength() != null && e.contentLength() != digests.length()) {
            throw new IncompleteBodyException("expected " + e.contentLength() + " bytes, received "
                    + digests.length());
        }
        if (e.contentMd5() != null && !MessageDigest.isEqual(e.contentMd5(), digests.md5())) {
            throw new BadDigestException("The Content-MD5 you specified did not match what we received.");
        }
        for (Map.Entry<ChecksumAlgorithm, String> c : e.checksums().entrySet()) {
            byte[] actual = digests.checksumBytes(c.getKey());
            if (actual == null) {
                throw new InvalidArgumentException("checksum " + c.getKey() + " expected but not requested");
            }
            byte[] want;
            try {
                want = Base64.getDecoder().decode(c.getValue());
            } catch (IllegalArgumentException ex) {
                throw new InvalidChecksumException("Value for x-amz-checksum-" + c.getKey().headerSuffix()
                        + " header is invalid.");
            }
            if (!MessageDigest.isEqual(want, actual)) {
                throw new InvalidChecksumException("The " + c.getKey() + " you specified did not match the "
                        + "calculated checksum.");
            }
        }
    }

    @Override
    public void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            buffer = null;
            if (blob != null) {
                blob.discard();
            }
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer already " + state.name().toLowerCase());
        }
    }
}
