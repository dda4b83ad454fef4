package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.BodyWriter;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.error.BadDigestException;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A body on its way upstream: bytes are digested as they arrive and staged in a spool file (owner-only, deleted on
 * commit or abort), so memory stays bounded whatever the size; {@link #commit} verifies the client's declarations
 * BEFORE anything reaches the upstream, then hands the verified file to {@link Publisher}. So the upstream never
 * holds a body that failed its checks, and every upload carries a Content-MD5 the upstream checks again.
 *
 * @param <R> what commit returns
 */
final class SpoolWriter<R> implements BodyWriter<R> {

    /** Publishes a verified body; may throw a StorageException to refuse (the spool is deleted either way). */
    interface Publisher<R> {
        R publish(Path file, BodyDigests digests);
    }

    private enum State { OPEN, COMMITTED, ABORTED }

    private final BodyDigests digests;
    private final Path file;
    private final FileChannel channel;
    private final Publisher<R> publisher;
    private State state = State.OPEN;

    SpoolWriter(Path spoolDir, BodyDigests digests, Publisher<R> publisher) {
        this.digests = digests;
        this.publisher = publisher;
        try {
            Path dir = spoolDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : spoolDir;
            Files.createDirectories(dir);
            this.file = Files.createTempFile(dir, "dualkey-upstream-", ".spool");
            this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageIoException("cannot create a spool file: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(ByteBuffer src) {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer is " + state);
        }
        ByteBuffer view = src.duplicate();
        digests.update(view);
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        } catch (IOException e) {
            abort();
            throw new StorageIoException("cannot write the spool file: " + e.getMessage(), e);
        }
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
        return digests.sha256();
    }

    @Override
    public Optional<String> checksum(ChecksumAlgorithm algorithm) {
        return digests.algorithms().contains(algorithm) ? Optional.of(digests.checksumBase64(algorithm))
                : Optional.empty();
    }

    @Override
    public R commit(Expectations expected) {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer is " + state);
        }
        try {
            verify(expected);
            channel.force(false);
            R r = publisher.publish(file, digests);
            state = State.COMMITTED;
            return r;
        } catch (IOException e) {
            throw new StorageIoException("cannot flush the spool file: " + e.getMessage(), e);
        } finally {
            if (state != State.COMMITTED) {
                state = State.ABORTED;
            }
            release();
        }
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
            release();
        }
    }

    private void release() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only wrote
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover spool file in the temp dir is harmless
        }
    }

    @Override
    public void close() {
        abort();
    }
}
