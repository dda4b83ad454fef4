package dev.dualkey.gateway.http;

import dev.dualkey.storage.DataSegment;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
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
    /** A body in parts (heap buffers, read from position to limit), or null: then {@link #body} is the body. */
    private ByteBuffer[] parts;
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
        this.parts = null;
        this.streamed = null;
        headers.set("Content-Type", contentType);
        return this;
    }

    /**
     * A small body in parts, sent as one without joining them first: a ListObjectVersions page of 1000 is about
     * 800 KB of XML written in chunks, and joining them cost a copy and as many heap bytes per page (issue 19).
     * The parts' arrays are the reply's from here on; their contents must not change.
     */
    public Reply body(ByteBuffer[] bodyParts, String contentType) {
        this.parts = bodyParts.clone();
        this.body = null;
        this.streamed = null;
        headers.set("Content-Type", contentType);
        return this;
    }

    /** A streamed body; {@code length} is sent as Content-Length. */
    public Reply streamed(StreamedBody s) {
        this.streamed = s;
        this.body = new byte[0];
        this.parts = null;
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

    /** The small body's bytes (the parts of {@link #body(ByteBuffer[], String)} joined on the first call). */
    public byte[] body() {
        if (body == null) {
            int n = 0;
            for (ByteBuffer b : parts) {
                n += b.remaining();
            }
            byte[] joined = new byte[n];
            int at = 0;
            for (ByteBuffer b : parts) {
                int len = b.remaining();
                b.duplicate().get(joined, at, len);
                at += len;
            }
            body = joined;
        }
        return body;
    }

    /**
     * The small body's parts when it was given in parts, else null: {@link ResponseWriter} wraps them without
     * copying (Netty then copies once into the socket's direct buffer, as it does a {@code byte[]} body).
     */
    ByteBuffer[] bodyParts() {
        return parts;
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
