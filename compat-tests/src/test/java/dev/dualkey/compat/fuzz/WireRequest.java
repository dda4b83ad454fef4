package dev.dualkey.compat.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request as it goes on the wire, built from parts a mutation can reach: method, raw path, query
 * parameters (decoded; encoded when rendered), headers in order (repeats allowed), and the body, either bytes or
 * form parameters (IAM, STS and console forms).
 */
final class WireRequest {
    /** Which endpoint and protocol the request starts as (a mutation may make it anything). */
    enum Kind { S3, IAM, STS, CONSOLE }

    final Kind kind;
    final int port;
    String method;
    String rawPath;
    /** Decoded query parameters; rendered with AWS's encoding unless {@link #rawQuery} replaces them. */
    final List<Map.Entry<String, String>> query = new ArrayList<>();
    /** When set, sent as the query instead of {@link #query} (raw mutations: bad escapes, bare separators). */
    String rawQuery;
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    byte[] body = new byte[0];
    /** Form parameters; when non-null the body is their urlencoded form. */
    List<Map.Entry<String, String>> form;
    /** The request's framing may be broken (length, transfer coding, CR/LF in a header): no answer is acceptable. */
    boolean framingMutated;
    /** Keep the Content-Length header as mutated instead of recomputing it from the body. */
    boolean keepContentLength;

    WireRequest(Kind kind, int port, String method, String rawPath) {
        this.kind = kind;
        this.port = port;
        this.method = method;
        this.rawPath = rawPath;
    }

    static Map.Entry<String, String> entry(String name, String value) {
        return new AbstractMap.SimpleEntry<>(name, value);
    }

    WireRequest query(String name, String value) {
        query.add(entry(name, value));
        return this;
    }

    WireRequest header(String name, String value) {
        headers.add(entry(name, value));
        return this;
    }

    WireRequest form(String name, String value) {
        if (form == null) {
            form = new ArrayList<>();
        }
        form.add(entry(name, value));
        return this;
    }

    /** The first value of a header (name case-insensitive), or null. */
    String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    void removeHeader(String name) {
        headers.removeIf(h -> h.getKey().equalsIgnoreCase(name));
    }

    void setHeader(String name, String value) {
        removeHeader(name);
        header(name, value);
    }

    /** The form parameter {@code Action}, or null (to tell which IAM/STS calls succeeded). */
    String action() {
        if (form == null) {
            return null;
        }
        return form.stream().filter(e -> e.getKey().equals("Action")).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    /** The query as sent (without {@code ?}). */
    String renderedQuery() {
        if (rawQuery != null) {
            return rawQuery;
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : query) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(dev.dualkey.gateway.auth.AwsUriEncoding.encode(e.getKey(), false));
            if (e.getValue() != null) {
                sb.append('=').append(dev.dualkey.gateway.auth.AwsUriEncoding.encode(e.getValue(), false));
            }
        }
        return sb.toString();
    }

    /** Renders the form into the body and sets Content-Length (unless mutated on purpose). */
    void finishBody() {
        if (form != null) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : form) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            }
            body = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (!keepContentLength) {
            removeHeader("Content-Length");
            if (body.length > 0 || method.equals("PUT") || method.equals("POST")) {
                header("Content-Length", Integer.toString(body.length));
            }
        }
    }

    /** The bytes on the wire: request line, headers (UTF-8, as given), blank line, body. */
    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + body.length);
        String q = renderedQuery();
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(rawPath).append(q.isEmpty() ? "" : "?" + q).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        out.write(h, 0, h.length);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    /** A short printable description for failure messages (values cut at 200 characters). */
    String describe() {
        String line = method + " " + rawPath + (renderedQuery().isEmpty() ? "" : "?" + renderedQuery());
        StringBuilder sb = new StringBuilder(kind + " :" + port + " " + cut(line));
        for (Map.Entry<String, String> hd : headers) {
            sb.append("\n  ").append(cut(hd.getKey() + ": " + hd.getValue()));
        }
        sb.append("\n  body ").append(body.length).append(" B: ")
                .append(cut(new String(body, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    private static String cut(String s) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + ")" : s;
        StringBuilder sb = new StringBuilder();
        for (char c : shown.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
