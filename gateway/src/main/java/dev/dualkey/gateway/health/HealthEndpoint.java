package dev.dualkey.gateway.health;

import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Unauthenticated health checks on the S3 listener, as MinIO answers them:
 * <ul>
 *   <li>{@code GET|HEAD /minio/health/live}: 200 while the process serves HTTP at all (a failing liveness check
 *   means "restart me").</li>
 *   <li>{@code GET|HEAD /minio/health/ready}: 200 when the state store answers (etcd: a linearizable read, so
 *   with a quorum), else 503: the load balancer stops sending requests that would fail with 503 anyway, and
 *   sends them to a gateway that can still reach etcd (a partition that cuts only some gateways off).</li>
 * </ul>
 * Only requests without any signature (no {@code Authorization} header, no {@code X-Amz-Credential} in the
 * query) are taken: a signed request for object {@code health/live} of a bucket named {@code minio} still reaches
 * S3. Nothing about the server's state is in the answer beyond the status code.
 */
public final class HealthEndpoint implements Endpoint {
    public static final String LIVE = "/minio/health/live";
    public static final String READY = "/minio/health/ready";

    private final BooleanSupplier ready;

    /** @param ready whether requests that need the shared state can be served now (may block, bounded) */
    public HealthEndpoint(BooleanSupplier ready) {
        this.ready = Objects.requireNonNull(ready, "ready");
    }

    @Override
    public boolean accepts(HttpRequest head) {
        if (!HttpMethod.GET.equals(head.method()) && !HttpMethod.HEAD.equals(head.method())) {
            return false;
        }
        if (head.headers().contains("Authorization")) {
            return false;
        }
        String uri = head.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (q >= 0 && uri.indexOf("X-Amz-Credential=", q) >= 0) {
            return false;
        }
        return path.equals(LIVE) || path.equals(READY);
    }

    @Override
    public boolean anonymous(RequestHead head) {
        return true;
    }

    @Override
    public Exchange begin(RequestHead head) {
        boolean live = head.rawPath().equals(LIVE);
        boolean up = live || ready.getAsBoolean();
        return new Exchange.Aggregated() {
            @Override
            public long maxBodyBytes() {
                return 0;
            }

            @Override
            public Reply complete(byte[] body) {
                return reply(up ? 200 : 503, head);
            }
        };
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        return reply(503, head);
    }

    private static Reply reply(int status, RequestHead head) {
        Reply r = Reply.status(status).header("Cache-Control", "no-store");
        if (HttpMethod.HEAD.equals(head.method())) {
            return r.header("Content-Length", 0);
        }
        return r.body((status == 200 ? "ok\n" : "unavailable\n").getBytes(StandardCharsets.US_ASCII),
                "text/plain; charset=utf-8");
    }
}
