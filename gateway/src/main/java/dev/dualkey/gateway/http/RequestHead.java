package dev.dualkey.gateway.http;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.auth.SignableRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The head of one HTTP request as the front door saw it: method, raw path and decoded query, headers, whether
 * it arrived over TLS and from which client address, and the request id every response carries. Immutable after construction (the Netty
 * headers object is copied), so it can travel to the storage executor.
 */
public final class RequestHead {
    private final String requestId;
    private final String hostId;
    private final HttpMethod method;
    private final String rawPath;
    private final String rawQuery;
    private final List<Map.Entry<String, String>> query;
    private final HttpHeaders headers;
    private final boolean secure;
    private final boolean expectContinue;
    private final long contentLength;
    private final boolean malformedContentLength;
    private final boolean malformedUri;
    private final String clientAddress;
    /** metrics: when the head was parsed (System.nanoTime), for the request's latency. */
    private final long startNanos = System.nanoTime();
    /**
     * metrics: the operation the endpoint routed the request to (an S3 operation's or an IAM/STS action's AWS
     * name, from a fixed set only: never client text), set by the endpoint on the executor, read after the answer.
     */
    private volatile String operation;
    private final String auditAddress;
    /** {@link #signable()}, built once (the head is verified on the loop and again at begin). */
    private volatile SignableRequest signable;
    /** The signature check made on the event loop ({@link HeadAuthenticatedEndpoint}), or null. */
    private volatile dev.dualkey.gateway.auth.VerifiedHead verifiedHead;

    public RequestHead(String requestId, String hostId, HttpRequest request, boolean secure) {
        this(requestId, hostId, request, secure, null);
    }

    /**
     * @param clientAddress the peer's IP address as text ({@code aws:SourceIp}), or null when unknown; or, behind a
     *                      trusted proxy, {@code "CLIENT via HOP, HOP"} ({@code audit/TrustedProxies}): then
     *                      {@link #clientAddress()} is the client and {@link #auditAddress()} the whole text
     */
    public RequestHead(String requestId, String hostId, HttpRequest request, boolean secure, String clientAddress) {
        int via = clientAddress == null ? -1 : clientAddress.indexOf(" via ");
        this.clientAddress = via < 0 ? clientAddress : clientAddress.substring(0, via);
        this.auditAddress = clientAddress;
        this.requestId = requestId;
        this.hostId = hostId;
        this.method = request.method();
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.startsWith("http://") || path.startsWith("https://")) {
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        this.rawPath = path.isEmpty() ? "/" : path;
        this.rawQuery = q < 0 ? "" : uri.substring(q + 1);
        List<Map.Entry<String, String>> q0;
        boolean bad = false;
        try {
            q0 = AwsUriEncoding.parseQuery(rawQuery);
            AwsUriEncoding.decode(rawPath);
        } catch (IllegalArgumentException e) {
            q0 = List.of(); // answered as InvalidURI by the endpoint
            bad = true;
        }
        this.query = q0;
        this.malformedUri = bad;
        this.headers = request.headers().copy();
        this.secure = secure;
        this.expectContinue = HttpUtil.is100ContinueExpected(request);
        long length;
        boolean badLength = false;
        try {
            length = HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) { // e.g. "Content-Length:" with no digits: framing is unknown
            length = -1L;
            badLength = true;
        }
        this.contentLength = length;
        this.malformedContentLength = badLength;
    }

    /** metrics: System.nanoTime() when this head was parsed. */
    public long startNanos() {
        return startNanos;
    }

    /** metrics: the routed operation's AWS name (from a fixed set), or null when routing did not get that far. */
    public String operation() {
        return operation;
    }

    /** metrics: records the routed operation; {@code name} must come from a fixed set (label cardinality). */
    public void operation(String name) {
        this.operation = name;
    }

    /** True when a Content-Length header is present but not a number: the request's framing is unknown. */
    public boolean malformedContentLength() {
        return malformedContentLength;
    }

    /** True when the path or query is not validly percent-encoded. */
    public boolean malformedUri() {
        return malformedUri;
    }

    public String requestId() {
        return requestId;
    }

    /** The value of {@code x-amz-id-2}. */
    public String hostId() {
        return hostId;
    }

    public HttpMethod method() {
        return method;
    }

    public boolean isHead() {
        return HttpMethod.HEAD.equals(method);
    }

    /** Path as sent, still percent-encoded. */
    public String rawPath() {
        return rawPath;
    }

    public String rawQuery() {
        return rawQuery;
    }

    /** Decoded query parameters in order. */
    public List<Map.Entry<String, String>> query() {
        return query;
    }

    /** First value of a query parameter, or null. */
    public String queryParam(String name) {
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Whether the query names {@code name}, with or without a value. A loop, not a stream: routing asks this a
     * dozen times per request (issue 19: the stream's pipeline objects were 9% of a small GET's allocation).
     */
    public boolean hasQueryParam(String name) {
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals(name)) {
                return true;
            }
        }
        return false;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** First value of a header, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    public boolean secure() {
        return secure;
    }

    /** The client's IP address as text ({@code aws:SourceIp}), or null when unknown. */
    public String clientAddress() {
        return clientAddress;
    }

    /**
     * The client's address for audit records: {@link #clientAddress()}, followed by {@code " via "} and the trusted
     * proxies the request came through when there were any (issue 18); null when unknown.
     */
    public String auditAddress() {
        return auditAddress;
    }

    public boolean expectContinue() {
        return expectContinue;
    }

    /** Declared Content-Length, or -1. */
    public long contentLength() {
        return contentLength;
    }

    /** True when the request announces no body at all. */
    public boolean hasNoBody() {
        return contentLength == 0 || (contentLength < 0
                && !headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true));
    }

    /** The request in the Netty-free form SigV4 verifies. */
    public SignableRequest signable() {
        SignableRequest s = signable;
        if (s == null) {
            s = buildSignable();
            signable = s;
        }
        return s;
    }

    /**
     * The event loop's signature check of this head ({@link HeadAuthenticatedEndpoint}), which the endpoint's
     * verifier confirms against the store at begin instead of checking the signature a second time; null when
     * none was made.
     */
    public dev.dualkey.gateway.auth.VerifiedHead verifiedHead() {
        return verifiedHead;
    }

    /** Keeps the event loop's signature check of this head (set before the request is begun). */
    public void verifiedHead(dev.dualkey.gateway.auth.VerifiedHead proof) {
        this.verifiedHead = proof;
    }

    private SignableRequest buildSignable() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            h.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue());
        }
        return new SignableRequest(method.name(), rawPath, query, h);
    }
}
