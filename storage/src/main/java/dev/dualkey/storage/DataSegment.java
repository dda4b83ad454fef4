package dev.dualkey.storage;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A contiguous piece of object data returned by {@link ObjectReader#read}. Either inline bytes, a region of a
 * file the reader keeps open (pinned) until it is closed, so the gateway can send it zero-copy, or plaintext
 * decrypted from an encrypted blob as it is pulled.
 */
public sealed interface DataSegment permits DataSegment.Inline, DataSegment.FileRegion, DataSegment.Decrypted {
    /** Number of bytes in this segment. */
    long length();

    /**
     * Bytes held in memory (small objects stored inline).
     *
     * @param bytes read-only buffer positioned at the first byte, limit at the end
     */
    record Inline(ByteBuffer bytes) implements DataSegment {
        @Override
        public long length() {
            return bytes.remaining();
        }
    }

    /**
     * A region of an immutable blob file. Do not close the channel; it belongs to the reader.
     *
     * @param channel  open read-only channel
     * @param position first byte in the file
     * @param length   byte count
     */
    record FileRegion(FileChannel channel, long position, long length) implements DataSegment {
    }

    /**
     * Plaintext of an encrypted blob region, decrypted one chunk (64 KiB) per {@link PlainChunks#next()} while the
     * reader is open. A chunk failing its integrity check throws
     * {@link dev.dualkey.storage.error.DataCorruptionException} from {@code next()}: a response already started must
     * then be aborted (never completed with fewer or wrong bytes).
     */
    record Decrypted(PlainChunks chunks) implements DataSegment {
        @Override
        public long length() {
            return chunks.length();
        }
    }

    /** Single-pass source of plaintext pieces; not thread-safe (one consumer at a time). */
    interface PlainChunks {
        /** Total bytes this source yields. */
        long length();

        /** The next piece (a fresh buffer the caller may keep), or null after the last one. */
        ByteBuffer next();

        /**
         * Whether {@link #next()} would return without waiting for the network. Decrypting sources are always
         * ready; the upstream store's pieces come from an upstream GET fetched ahead on a storage thread, so that an
         * event loop never blocks on it: when not ready, the caller registers {@link #whenReady} and pulls later.
         */
        default boolean ready() {
            return true;
        }

        /**
         * Runs {@code callback} once (on any thread, possibly at once on this one) when {@link #ready()} becomes
         * true, starting the fetch if needed.
         */
        default void whenReady(Runnable callback) {
            callback.run();
        }

        /**
         * Decrypts (or copies) the next plaintext bytes into {@code dst} (as many as fit, whole chunks straight into it, with no
         * allocation per chunk); returns the count written, or -1 after the last byte. The fast path for large
         * reads: give it a direct buffer of several chunks. Mixing it with {@link #next()} is allowed; like
         * {@link #next()}, it waits only when not {@link #ready()}.
         */
        int read(ByteBuffer dst);
    }
}
