package dev.dualkey.gateway.s3.cors;

import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Address;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.StorageException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * The S3 endpoint with CORS around it (AWS's "How does Amazon S3 evaluate the CORS configuration on a bucket?"):
 * <ul>
 *   <li>a preflight ({@code OPTIONS} on a bucket or object) is answered here from the bucket's rules, without
 *       authentication: 200 with the {@code Access-Control-Allow-*} headers of the first rule that allows the
 *       Origin, Access-Control-Request-Method and every Access-Control-Request-Headers; 403 AccessForbidden when
 *       none does or the bucket has no configuration; 400 BadRequest without Origin or a valid request method;</li>
 *   <li>any other request that carries {@code Origin} goes to the S3 endpoint as always (authenticated,
 *       authorized), and its answer, error answers included, gets the matching rule's
 *       {@code Access-Control-Allow-Origin}, {@code -Allow-Methods}, {@code -Expose-Headers}, {@code -Max-Age},
 *       {@code -Allow-Credentials}, plus {@code Vary} whenever the bucket has a configuration.</li>
 * </ul>
 * The configuration is read on the storage executor in {@link #begin}; {@link #error}, which runs on the event
 * loop, only copies the headers computed there (carried by {@link WithCors}).
 */
public final class CorsEndpoint implements Endpoint {
    static final String VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";
    private static final long MAX_PREFLIGHT_BODY = 64 * 1024;
    private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "HEAD");
    static final String NOT_ALLOWED = "CORSResponse: This CORS request is not allowed. This is usually because the"
            + " evalution of Origin, request method / Access-Control-Request-Method or"
            + " Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
    static final String NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket.";

    private final Endpoint delegate;
    private final ObjectStore store;
    private final String domain;

    /** @param domain the virtual-hosted-style domain, or null */
    public CorsEndpoint(Endpoint delegate, ObjectStore store, String domain) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.store = Objects.requireNonNull(store, "store");
        this.domain = domain;
    }

    @Override
    public boolean accepts(HttpRequest head) {
        return delegate.accepts(head);
    }

    @Override
    public boolean authenticatedByHead(RequestHead head) {
        return !HttpMethod.OPTIONS.equals(head.method()) && delegate.authenticatedByHead(head);
    }

    /** A preflight proves no key (it is answered without authentication): its connection stays capped. */
    @Override
    public dev.dualkey.gateway.http.LoopReads loopReads(RequestHead head) {
        return HttpMethod.OPTIONS.equals(head.method()) ? null : delegate.loopReads(head);
    }

    @Override
    public boolean anonymous(RequestHead head) {
        return HttpMethod.OPTIONS.equals(head.method()) || delegate.anonymous(head);
    }

    @Override
    public Exchange begin(RequestHead head) {
        if (HttpMethod.OPTIONS.equals(head.method())) {
            Reply reply = preflight(head); // before any body byte, and without authentication (as S3)
            return new Exchange.Aggregated() {
                @Override
                public long maxBodyBytes() {
                    return MAX_PREFLIGHT_BODY;
                }

                @Override
                public Reply complete(byte[] body) {
                    return reply;
                }
            };
        }
        Map<String, String> cors = head.header("Origin") == null ? Map.of() : actualRequestHeaders(head);
        if (cors.isEmpty()) {
            return delegate.begin(head);
        }
        try {
            return wrap(delegate.begin(head), cors);
        } catch (RuntimeException e) {
            throw new WithCors(e, cors);
        }
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (t instanceof WithCors w) {
            Reply r = delegate.error(head, w.getCause());
            w.headers.forEach(r::header);
            return r;
        }
        return delegate.error(head, failure);
    }

    /** The preflight's answer, or an S3Exception (rendered by the S3 endpoint's error writer). */
    Reply preflight(RequestHead head) {
        String origin = head.header("Origin");
        if (origin == null) {
            throw new S3Exception(S3ErrorCode.BAD_REQUEST, "Insufficient information. Origin request header needed.");
        }
        String method = head.header("Access-Control-Request-Method");
        if (method == null || !METHODS.contains(method)) {
            throw new S3Exception(S3ErrorCode.BAD_REQUEST, "Invalid Access-Control-Request-Method: " + method);
        }
        S3Address address = S3Address.parse(head.rawPath(), head.header("Host"), domain);
        String resourceType = address.key() == null ? "BUCKET" : "OBJECT";
        CorsConfiguration config = address.bucket() == null ? null : configuration(address.bucket());
        if (config == null) {
            // A bucket that does not exist answers as one without CORS: OPTIONS tells nobody which buckets exist.
            throw new S3Exception(S3ErrorCode.ACCESS_FORBIDDEN, NOT_ENABLED)
                    .with("Method", method).with("ResourceType", resourceType);
        }
        List<String> requested = requestedHeaders(head.header("Access-Control-Request-Headers"));
        CorsRule rule = config.match(origin, method, requested).orElseThrow(() ->
                new S3Exception(S3ErrorCode.ACCESS_FORBIDDEN, NOT_ALLOWED)
                        .with("Method", method).with("ResourceType", resourceType));
        Reply reply = Reply.status(200);
        allowHeaders(rule, origin).forEach(reply::header);
        if (!requested.isEmpty()) {
            reply.header("Access-Control-Allow-Headers", String.join(", ", requested));
        }
        reply.header("Vary", VARY);
        return reply;
    }

    /** Headers for a non-preflight request with Origin: the matching rule's, and Vary when CORS is configured. */
    Map<String, String> actualRequestHeaders(RequestHead head) {
        S3Address address;
        try {
            address = S3Address.parse(head.rawPath(), head.header("Host"), domain);
        } catch (S3Exception e) {
            return Map.of();
        }
        CorsConfiguration config = address.bucket() == null ? null : configuration(address.bucket());
        if (config == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        config.match(head.header("Origin"), head.method().name(), List.of())
                .ifPresent(rule -> out.putAll(allowHeaders(rule, head.header("Origin"))));
        out.put("Vary", VARY);
        return out;
    }

    private static Map<String, String> allowHeaders(CorsRule rule, String origin) {
        Map<String, String> h = new LinkedHashMap<>();
        boolean any = rule.anyOrigin();
        h.put("Access-Control-Allow-Origin", any ? "*" : origin);
        h.put("Access-Control-Allow-Methods", String.join(", ", rule.allowedMethods()));
        if (!rule.exposeHeaders().isEmpty()) {
            h.put("Access-Control-Expose-Headers", String.join(", ", rule.exposeHeaders()));
        }
        if (rule.maxAgeSeconds() != null) {
            h.put("Access-Control-Max-Age", Integer.toString(rule.maxAgeSeconds()));
        }
        if (!any) {
            h.put("Access-Control-Allow-Credentials", "true");
        }
        return h;
    }

    /** The bucket's parsed configuration, or null when it has none or does not exist (storage executor). */
    private CorsConfiguration configuration(String bucket) {
        String document;
        try {
            document = store.headBucket(bucket).config().subresource(CorsOperations.SUBRESOURCE);
        } catch (StorageException e) {
            return null;
        }
        return document == null ? null : CorsConfiguration.fromStored(document);
    }

    static List<String> requestedHeaders(String header) {
        List<String> out = new ArrayList<>();
        if (header != null) {
            for (String h : header.split(",")) {
                String t = h.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static Exchange wrap(Exchange ex, Map<String, String> cors) {
        if (ex instanceof Exchange.Aggregated agg) {
            return new Exchange.Aggregated() {
                @Override
                public long maxBodyBytes() {
                    return agg.maxBodyBytes();
                }

                @Override
                public Reply complete(byte[] body) {
                    try {
                        return with(agg.complete(body), cors);
                    } catch (RuntimeException e) {
                        throw new WithCors(e, cors);
                    }
                }

                @Override
                public void abort() {
                    agg.abort();
                }
            };
        }
        Exchange.Streaming s = (Exchange.Streaming) ex;
        return new Exchange.Streaming() {
            @Override
            public void onData(ByteBuffer data) {
                try {
                    s.onData(data);
                } catch (RuntimeException e) {
                    throw new WithCors(e, cors);
                }
            }

            @Override
            public Reply finish() {
                try {
                    return with(s.finish(), cors);
                } catch (RuntimeException e) {
                    throw new WithCors(e, cors);
                }
            }

            @Override
            public void abort() {
                s.abort();
            }
        };
    }

    private static Reply with(Reply reply, Map<String, String> cors) {
        cors.forEach(reply::header);
        return reply;
    }

    /** A failure of a request whose answer carries CORS headers; {@link #error} renders the cause and adds them. */
    static final class WithCors extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Map<String, String> headers;

        WithCors(RuntimeException cause, Map<String, String> headers) {
            super(cause.getMessage(), cause, false, false);
            this.headers = headers;
        }
    }
}
