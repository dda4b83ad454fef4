package dev.dualkey.storage;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Receives a body, digesting bytes as they pass, then publishes it atomically or discards it.
 *
 * <p>Life cycle: {@code write}* then exactly one of {@link #commit} / {@link #abort}; {@link #close()} aborts
 * when not committed (use try-with-resources). Calls may come from different threads but never concurrently
 * (a happens-before edge between calls, as an executor hand-off gives). Memory use is bounded whatever the body
 * size: data goes to disk (or an inline buffer below the inline threshold) as it arrives.
 *
 * @param <R> what commit returns
 */
public interface BodyWriter<R> extends AutoCloseable {
    /**
     * The body's exact length, declared by the client (Content-Length, or the decoded length of an aws-chunked
     * body) before its first byte; call at most once, before any {@link #write}. A store may then forward the
     * body as it arrives instead of staging it (the upstream store does). Only a hint: {@link #commit} still
     * verifies the length, and a store may ignore it (the default).
     */
    default void declareLength(long length) {
    }

    /** Consumes all remaining bytes of {@code src}. */
    void write(ByteBuffer src);

    /** Bytes received so far. */
    long bytesWritten();

    /** MD5 of the bytes received so far (16 bytes, a fresh copy). */
    byte[] md5();

    /**
     * SHA-256 of the bytes received so far (32 bytes).
     *
     * @throws IllegalStateException when {@link WriteOptions#computeSha256()} was not requested
     */
    byte[] sha256();

    /** Base64 of the requested checksum over the bytes so far; empty when that algorithm was not requested. */
    Optional<String> checksum(ChecksumAlgorithm algorithm);

    /**
     * Verifies the body against {@code expected} (length, then Content-MD5, then checksums), then publishes it.
     * On any failure nothing is published and the writer is aborted.
     */
    R commit(Expectations expected);

    /** Discards everything received; idempotent. */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
