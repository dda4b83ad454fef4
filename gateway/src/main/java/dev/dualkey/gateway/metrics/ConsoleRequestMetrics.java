package dev.dualkey.gateway.metrics;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.UploadRefusedException;
import dev.dualkey.gateway.console.web.UploadSink;
import java.io.IOException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Counts the console's requests in the request metrics (issue 18) with {@code api="console"}: the same timer
 * ({@code dualkey_requests_seconds}, by operation and status) and byte counters as the S3 listener's.
 *
 * <p>The operation label is the page's route template, from a fixed set ({@code GET /buckets/{bucket}},
 * {@code POST /settings}, ...; {@code Unknown} for any other path), never the bucket, account or any other text of
 * the URL. Latency runs from the page's call to its answer (the answer's own writing is not included, unlike the S3
 * listener's, since the console's handler writes it later); bytes received are an upload's file bytes (forms are
 * small and not counted), bytes sent the answer's body (a download's declared length). An upload whose connection
 * goes away before its answer is not counted, as on the S3 listener.
 */
final class ConsoleRequestMetrics implements ConsoleApp {
    static final String API = "console";
    private static final Pattern ACCOUNT = Pattern.compile("/a/[^/]{1,64}");
    private static final Pattern USER = Pattern.compile("/users/[^/]{1,64}(/deactivate)?");
    private static final Pattern BUCKET = Pattern.compile("/buckets/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[a-z-]+)?");
    /** The sub-pages of a bucket the console has (anything else is {@code Unknown}). */
    private static final java.util.Set<String> BUCKET_PAGES = java.util.Set.of("/object", "/delete", "/access",
            "/policy", "/delete-version", "/versioning", "/upload");
    private static final java.util.Set<String> PAGES = java.util.Set.of("/", "/signin", "/signin/mfa",
            "/signin/resync", "/signin/cancel", "/signout", "/dashboard", "/buckets", "/audit", "/settings", "/users",
            "/security-credentials", "/security-credentials/mfa/new", "/security-credentials/mfa/enable",
            "/security-credentials/mfa/resync", "/security-credentials/mfa/remove", "/security-credentials/password",
            "/security-credentials/keys", "/security-credentials/keys/delete");

    private final ConsoleApp next;
    private final RequestMetrics metrics;

    ConsoleRequestMetrics(ConsoleApp next, RequestMetrics metrics) {
        this.next = Objects.requireNonNull(next, "next");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The route template of {@code path}: a label value from a fixed set. */
    static String operation(String method, String path) {
        String m = method.equals("GET") || method.equals("POST") || method.equals("HEAD") ? method : "OTHER";
        String route;
        if (PAGES.contains(path)) {
            route = path;
        } else if (path.startsWith("/static/")) {
            route = "/static/{asset}";
        } else if (ACCOUNT.matcher(path).matches()) {
            route = "/a/{account}";
        } else if (USER.matcher(path).matches()) {
            route = path.endsWith("/deactivate") ? "/users/{user}/deactivate" : "/users/{user}";
        } else if (BUCKET.matcher(path).matches()) {
            int slash = path.indexOf('/', "/buckets/".length());
            String sub = slash < 0 ? "" : path.substring(slash);
            route = sub.isEmpty() ? "/buckets/{bucket}" : BUCKET_PAGES.contains(sub) ? "/buckets/{bucket}" + sub
                    : null;
        } else {
            route = null;
        }
        return route == null ? "Unknown" : m + " " + route;
    }

    @Override
    public ConsoleResponse handle(ConsoleRequest request) {
        long start = System.nanoTime();
        ConsoleResponse r = next.handle(request);
        metrics.record(API, operation(request.method(), request.path()), r.status(), System.nanoTime() - start, 0,
                request.method().equals("HEAD") ? 0 : r.bodyLength());
        return r;
    }

    @Override
    public boolean isUpload(String method, String path) {
        return next.isUpload(method, path);
    }

    @Override
    public UploadSink beginUpload(ConsoleRequest request, String fileName, String contentType)
            throws UploadRefusedException {
        long start = System.nanoTime();
        String operation = operation(request.method(), request.path());
        UploadSink sink;
        try {
            sink = next.beginUpload(request, fileName, contentType);
        } catch (UploadRefusedException e) {
            metrics.record(API, operation, e.response().status(), System.nanoTime() - start, 0,
                    e.response().bodyLength());
            throw e;
        }
        return new UploadSink() {
            private long received;

            @Override
            public void write(byte[] buf, int off, int len) throws IOException {
                sink.write(buf, off, len);
                received += len;
            }

            @Override
            public ConsoleResponse commit() throws IOException {
                ConsoleResponse r = sink.commit();
                metrics.record(API, operation, r.status(), System.nanoTime() - start, received, r.bodyLength());
                return r;
            }

            @Override
            public void abort() {
                sink.abort();
            }
        };
    }
}
