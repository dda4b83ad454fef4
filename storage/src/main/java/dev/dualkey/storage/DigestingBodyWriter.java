package dev.dualkey.storage;

import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.Optional;

/**
 * What every {@link BodyWriter} shares, whatever it stores the bytes in (a RocksDB blob or inline value, an
 * upstream request): the digests of the bytes so far ({@link BodyDigests}, each byte digested once by the
 * subclass's {@code write}), their accessors, and the life cycle (open, then committed or aborted once). A
 * subclass verifies with {@link Expectations#check} at commit and then calls {@link #markCommitted}; its
 * {@code abort} releases what it holds when {@link #markAborted} says the writer was still open.
 *
 * @param <R> what commit returns
 */
public abstract class DigestingBodyWriter<R> implements BodyWriter<R> {
    private enum State { OPEN, COMMITTED, ABORTED }

    private final BodyDigests digests;
    private State state = State.OPEN;

    protected DigestingBodyWriter(BodyDigests digests) {
        this.digests = digests;
    }

    /** The digests of the bytes received so far (the subclass updates them in {@code write}). */
    protected final BodyDigests digests() {
        return digests;
    }

    /**
     * Waits until every byte written so far is digested. A writer that digests beside its own thread (a large
     * body's digests run on another core while this thread encrypts and writes) overrides it; the accessors below
     * call it first, so they always answer for all bytes written.
     */
    protected void settleDigests() {
    }

    @Override
    public final long bytesWritten() {
        settleDigests();
        return digests.length();
    }

    @Override
    public final byte[] md5() {
        settleDigests();
        return digests.md5();
    }

    @Override
    public final byte[] sha256() {
        settleDigests();
        byte[] s = digests.sha256();
        if (s == null) {
            throw new IllegalStateException("SHA-256 was not requested in WriteOptions");
        }
        return s;
    }

    @Override
    public final Optional<String> checksum(ChecksumAlgorithm algorithm) {
        settleDigests();
        return Optional.ofNullable(digests.checksumBase64(algorithm));
    }

    /** @throws IllegalStateException once committed or aborted */
    protected final void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer already " + state.name().toLowerCase());
        }
    }

    /** The body is published: from now on abort and close do nothing. */
    protected final void markCommitted() {
        state = State.COMMITTED;
    }

    /** Marks the writer aborted; true when it was open (the caller then releases what it holds). */
    protected final boolean markAborted() {
        if (state != State.OPEN) {
            return false;
        }
        state = State.ABORTED;
        return true;
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }
}
