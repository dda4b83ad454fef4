package dev.dualkey.gateway.metrics;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.UploadRefusedException;
import dev.dualkey.gateway.console.web.UploadSink;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Serves {@code GET /metrics} in front of a console app (the console listener) or alone (the
 * {@code --metrics-address} listener, where every other path is 404). Runs on the storage executor, as every
 * console page does, and reuses the console listener's transport bounds (head timeout, connection cap).
 */
public final class MetricsHttp implements ConsoleApp {
    public static final String PATH = "/metrics";

    private final ConsoleApp next;
    private final DualkeyMetrics metrics;
    private final MetricsAccess access;
    private final boolean served;

    private MetricsHttp(ConsoleApp next, DualkeyMetrics metrics, MetricsAccess access, boolean served) {
        this.next = next;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.access = Objects.requireNonNull(access, "access");
        this.served = served;
    }

    /**
     * {@code /metrics} on the console listener, in front of {@code console}. Without a token it is served only
     * when the console listens on loopback ({@link MetricsAccess}); {@code served=false} leaves {@code /metrics} to
     * the console (its 404 after sign-in) when metrics live on their own listener.
     */
    public static ConsoleApp onConsole(ConsoleApp console, DualkeyMetrics metrics, MetricsAccess access,
                                       boolean consoleLoopback, boolean served) {
        // issue 18: the console's own pages are counted in the request metrics (api="console"); /metrics is not
        return new MetricsHttp(new ConsoleRequestMetrics(console, metrics.requests()), metrics, access,
                served && (consoleLoopback || access.requiresToken()));
    }

    /** The app of the dedicated metrics listener: {@code /metrics} and nothing else. */
    public static ConsoleApp standalone(DualkeyMetrics metrics, MetricsAccess access) {
        return new MetricsHttp(null, metrics, access, true);
    }

    @Override
    public ConsoleResponse handle(ConsoleRequest request) {
        if (!served || !request.path().equals(PATH)) {
            return next != null ? next.handle(request) : ConsoleResponse.text(404, "Not found");
        }
        if (!request.method().equals("GET")) {
            return ConsoleResponse.text(405, "Method not allowed").header("Allow", "GET");
        }
        if (!access.allows(request.authorization())) {
            return ConsoleResponse.text(401, "A bearer token is required").header("WWW-Authenticate",
                    "Bearer realm=\"dualkey-metrics\"");
        }
        return ConsoleResponse.bytes(200, DualkeyMetrics.CONTENT_TYPE,
                metrics.scrape().getBytes(StandardCharsets.UTF_8)).header("Cache-Control", "no-store");
    }

    @Override
    public boolean isUpload(String method, String path) {
        return next != null && next.isUpload(method, path);
    }

    @Override
    public UploadSink beginUpload(ConsoleRequest request, String fileName, String contentType)
            throws UploadRefusedException {
        if (next == null) {
            throw new IllegalStateException("the metrics listener takes no uploads");
        }
        return next.beginUpload(request, fileName, contentType);
    }
}
