package dev.dualkey.storage;

import dev.dualkey.storage.model.ObjectVersion;
import java.io.InputStream;
import java.util.List;

/**
 * An open object version. Its data is pinned at open: a concurrent overwrite or delete of the version does not
 * affect a reader already open (blob files are immutable and only unlinked; open channels keep them readable).
 * Close it to release the pin.
 */
public interface ObjectReader extends AutoCloseable {
    /** The version being read (never a delete marker). */
    ObjectVersion version();

    /**
     * The data in {@code [offset, offset+length)} as ordered segments whose lengths add up to {@code length}.
     * Use {@code ByteRange.resolve(size)} to turn an HTTP range into offset/length.
     *
     * @throws IllegalArgumentException when the range is outside the object
     */
    List<DataSegment> read(long offset, long length);

    /** A stream over {@code [offset, offset+length)}, valid while this reader is open. */
    InputStream openStream(long offset, long length);

    /** A stream over the whole object. */
    default InputStream openStream() {
        return openStream(0, version().size());
    }

    @Override
    void close();
}
