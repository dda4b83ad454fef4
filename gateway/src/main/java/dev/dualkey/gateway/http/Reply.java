package dev.dualkey.gateway.http;

import dev.dualkey.storage.DataSegment;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * A response a protocol endpoint hands to the front door: status, headers, and either a small in-memory body
 * or a streamed body of data segments (object data, sent zero-copy when possible). Built on the storage
 * executor, written on the event loop.
 */
public final class Reply {
    private final int status;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private byte[] body = new byte[0];
    private StreamedBody streamed;
    private boolean close;

    private Reply(int status) {
        this.status = status;
    }

    public static Reply status(int status) {
        return new Reply(status);
    }

    public Reply header(CharSequence name, Object value) {
        if (value != null) {
            headers.set(name, value);
        }
        return this;
    }

    /** A small body with its content type. */
    public Reply body(byte[] bytes, String contentType) {
        this.body = bytes;
        this.streamed = null;
        headers.set("Content-Type", contentType);
        return this;
    }

    /** A streamed body; {@code length} is sent as Content-Length. */
    public Reply streamed(StreamedBody s) {
        this.streamed = s;
        this.body = new byte[0];
        return this;
    }

    /** Close the connection after this reply. */
    public Reply closeConnection() {
        this.close = true;
        return this;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    /** The streamed body, or null. */
    public StreamedBody streamedBody() {
        return streamed;
    }

    public boolean closeRequested() {
        return close;
    }

    /**
     * Object data to send after the head, then release.
     *
     * @param segments ordered data segments
     * @param release  called once when the body is sent or the connection failed (e.g. closes the object reader)
     */
    public record StreamedBody(List<DataSegment> segments, long length, Runnable release) {
        public StreamedBody {
            segments = List.copyOf(segments);
        }
    }
}
