package dev.dualkey.gateway.console.web;

import java.io.Closeable;
import java.io.IOException;

/**
 * A response body read in chunks on the storage executor and written with back-pressure: the writer asks
 * for the next chunk only after the previous one has been flushed, so memory stays at one chunk.
 */
public interface StreamingBody extends Closeable {
    /** Total length in bytes (sent as Content-Length). */
    long length();

    /**
     * Reads up to {@code buf.length} bytes; blocks (call it off the event loop).
     *
     * @return bytes read, or -1 at the end
     */
    int read(byte[] buf) throws IOException;

    @Override
    void close() throws IOException;
}
