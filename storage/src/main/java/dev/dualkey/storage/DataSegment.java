package dev.dualkey.storage;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A contiguous piece of object data returned by {@link ObjectReader#read}. Either inline bytes or a region of a
 * file the reader keeps open (pinned) until it is closed, so the gateway can send it zero-copy.
 */
public sealed interface DataSegment permits DataSegment.Inline, DataSegment.FileRegion {
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
}
