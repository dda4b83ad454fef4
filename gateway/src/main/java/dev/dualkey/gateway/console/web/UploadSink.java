package dev.dualkey.gateway.console.web;

import java.io.IOException;

/**
 * Receives one uploaded file in order, chunk by chunk, on the storage executor. The handler reads the next
 * network chunk only after {@link #write} returns, so memory per upload is one chunk whatever the size.
 * Exactly one of {@link #commit()} and {@link #abort()} is called.
 */
public interface UploadSink {
    /** Appends bytes of the file. */
    void write(byte[] buf, int off, int len) throws IOException;

    /** The file is complete: make it visible and return the page to show. */
    ConsoleResponse commit() throws IOException;

    /** The upload failed or the client went away: discard what was written. */
    void abort();
}
