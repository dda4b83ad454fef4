package dev.dualkey.gateway.metrics;

import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.FrontDoorHandler;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.iam.http.IamEndpoint;
import dev.dualkey.gateway.sts.http.StsEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests of the API listener by {@code api} (s3, iam, sts), {@code operation} and {@code status}: a timer with
 * fixed latency buckets (1 ms .. 60 s, as Prometheus histograms: {@code dualkey_requests_seconds_bucket}) and
 * byte counters. Fed by the front door once an answer was written ({@link FrontDoorHandler.InFlight#answered}),
 * on the event loop: only map lookups and atomic adds here.
 *
 * <p>Latency runs from the parsed request head to the last byte of the answer handed to the socket (S3's
 * CloudWatch TotalRequestLatency); a GET's includes sending the object. Bytes received are the request body bytes
 * as they came over the wire (an aws-chunked body counts its chunk signatures); bytes sent are the response body
 * (nothing for HEAD), counted only when the answer was written whole. A connection that closes before its answer
 * is not counted. Cardinality: operations come from fixed enums (an unroutable request is {@code Unknown}), the
 * status from the small set of codes the server answers, so at most a few thousand series.
 */
public final class RequestMetrics {
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> bytes = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The front door's hook: records one answered request. */
    public void answered(RequestHead head, Endpoint endpoint, Reply reply, long bodyBytes, boolean written) {
        if (head == null || reply == null) {
            return;
        }
        String api = endpoint instanceof IamEndpoint ? "iam" : endpoint instanceof StsEndpoint ? "sts" : "s3";
        String operation = head.operation() != null ? head.operation() : "Unknown";
        long sent = !written || head.isHead() ? 0 : reply.streamedBody() != null ? reply.streamedBody().length()
                : reply.body() == null ? 0 : reply.body().length;
        record(api, operation, reply.status(), System.nanoTime() - head.startNanos(), bodyBytes, sent);
    }

    /** Records one request (tests and other listeners). */
    public void record(String api, String operation, int status, long nanos, long received, long sent) {
        String key = api + ' ' + operation + ' ' + status;
        timers.computeIfAbsent(key, k -> Timer.builder(MetricNames.REQUESTS)
                .description("Requests of the S3/IAM/STS listener and of the console by operation and HTTP status")
                .tags("api", api, "operation", operation, "status", Integer.toString(status))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        Counter[] c = bytes.computeIfAbsent(api + ' ' + operation, k -> new Counter[] {
            Counter.builder(MetricNames.RECEIVED_BYTES).baseUnit("bytes")
                    .description("Request body bytes received").tags("api", api, "operation", operation)
                    .register(registry),
            Counter.builder(MetricNames.SENT_BYTES).baseUnit("bytes")
                    .description("Response body bytes sent").tags("api", api, "operation", operation)
                    .register(registry)});
        if (received > 0) {
            c[0].increment(received);
        }
        if (sent > 0) {
            c[1].increment(sent);
        }
    }
}
