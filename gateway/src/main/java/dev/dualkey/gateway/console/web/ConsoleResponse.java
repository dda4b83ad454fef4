package dev.dualkey.gateway.console.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.dualkey.gateway.console.html.SafeHtml;

/**
 * A console response before it is written to the wire: status, extra headers, and a body that is either
 * bytes in memory (pages, CSS, QR images) or a {@link StreamingBody} (object downloads).
 */
public final class ConsoleResponse {
    private final int status;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final byte[] body;
    private final StreamingBody stream;

    private ConsoleResponse(int status, byte[] body, StreamingBody stream) {
        this.status = status;
        this.body = body;
        this.stream = stream;
    }

    /** An HTML page. */
    public static ConsoleResponse html(int status, SafeHtml page) {
        return new ConsoleResponse(status, page.html().getBytes(StandardCharsets.UTF_8), null)
                .header("Content-Type", "text/html; charset=utf-8")
                .header("Cache-Control", "no-store");
    }

    /** Bytes with a content type. */
    public static ConsoleResponse bytes(int status, String contentType, byte[] body) {
        return new ConsoleResponse(status, body.clone(), null).header("Content-Type", contentType);
    }

    /** Plain text (used for refusals that happen before any page can be rendered). */
    public static ConsoleResponse text(int status, String text) {
        return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store");
    }

    /** 303 See Other: every successful POST redirects, so reloading a page never repeats an action. */
    public static ConsoleResponse redirect(String location) {
        if (!location.startsWith("/") || location.startsWith("//")) {
            throw new IllegalArgumentException("console redirects stay on the console: " + location);
        }
        return new ConsoleResponse(303, new byte[0], null).header("Location", location)
                .header("Cache-Control", "no-store");
    }

    /** A streamed body of known length. */
    public static ConsoleResponse stream(int status, String contentType, StreamingBody stream) {
        return new ConsoleResponse(status, null, Objects.requireNonNull(stream)).header("Content-Type", contentType);
    }

    /** Adds a header (several with the same name are allowed, e.g. Set-Cookie). */
    public ConsoleResponse header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    public int status() {
        return status;
    }

    public List<Map.Entry<String, String>> headers() {
        return List.copyOf(headers);
    }

    /** The first value of a header or {@code null}. */
    public String header(String name) {
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** All values of a header. */
    public List<String> headerValues(String name) {
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    /** In-memory body, or {@code null} for a streamed response. */
    /** Bytes the body holds (a stream's declared length), without copying it (metrics, issue 18). */
    public long bodyLength() {
        return body != null ? body.length : stream != null ? Math.max(0, stream.length()) : 0;
    }

    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** Body as UTF-8 text, for tests. */
    public String bodyText() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    /** The streamed body, or {@code null}. */
    public StreamingBody stream() {
        return stream;
    }
}
