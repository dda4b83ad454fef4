package dev.dualkey.compat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.iam.IamClients;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.metrics.DualkeyMetrics;
import dev.dualkey.gateway.metrics.MetricsAccess;
import dev.dualkey.gateway.metrics.PrometheusText;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code /metrics} of a real server (identity store, metrics on their own listener) scraped over HTTP and parsed
 * strictly after SDK v2 S3 and IAM traffic: request counts by operation and status, body bytes in and out (as
 * the SDK put them on the wire, seen by an interceptor), and per-bucket usage after PUTs, an overwrite, a delete
 * marker and a multipart upload, all exact, and the small reads answered on the event loop. The S3 port never
 * serves the metrics.
 */
class MetricsEndpointTest {
    private static final AccessKey ROOT = new AccessKey("AKIAMETRICSROOT00001", "metrics/root/secret/key/000000000000000");

    private Path dataDir;
    private GatewayServer server;
    private GatewayEndpoint gw;
    private URI metricsUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        dataDir = Files.createTempDirectory("dualkey-metrics-");
        DualkeyMetrics metrics = new DualkeyMetrics();
        server = GatewayServer.builder()
                .dataDir(dataDir)
                .s3Address(new InetSocketAddress("127.0.0.1", 0))
                .identity(dev.dualkey.gateway.identity.IdentitySetup
                        .withRootKeys(ROOT.accessKeyId(), ROOT.secretKey())
                        .passwordHashing(dev.dualkey.mfa.secret.PasswordHasher.Params.forTests()))
                .metrics(metrics, 1000)
                .metricsListener(new InetSocketAddress("127.0.0.1", 0), MetricsAccess.open())
                .start();
        gw = new GatewayEndpoint(server.s3Endpoint(), "us-east-1", ROOT, ROOT);
        InetSocketAddress m = server.metricsAddress().orElseThrow();
        metricsUrl = URI.create("http://127.0.0.1:" + m.getPort() + "/metrics");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // leftover temp files are harmless
        }
    }

    /** Content-Length of each request the SDK sent, summed by operation name. */
    private static final class WireBytes implements ExecutionInterceptor {
        final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            long length = context.httpRequest().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
            sent.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    k -> new AtomicLong()).addAndGet(length);
        }
    }

    @Test
    void scrapedCountersMoveExactlyWithTheRequestsAndUsageIsExact() throws Exception {
        PrometheusText before = scrape();
        assertEquals(0, before.valueOr("dualkey_requests_seconds_count", 0, "operation", "PutObject"));
        WireBytes wire = new WireBytes();
        int mib5 = 5 * 1024 * 1024;
        try (S3Client s3 = Clients.v2(gw, wire); IamClient iam = IamClients.v2(gw, ROOT)) {
            s3.createBucket(b -> b.bucket("metrics-a"));
            s3.putBucketVersioning(b -> b.bucket("metrics-a")
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            s3.putObject(b -> b.bucket("metrics-a").key("k1"), RequestBody.fromBytes(new byte[1000]));
            s3.putObject(b -> b.bucket("metrics-a").key("k1"), RequestBody.fromBytes(new byte[2000])); // 2nd version
            s3.putObject(b -> b.bucket("metrics-a").key("k2"), RequestBody.fromBytes(new byte[3000]));
            assertEquals(3000, s3.getObjectAsBytes(b -> b.bucket("metrics-a").key("k2")).asByteArray().length);
            assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket("metrics-a").key("nothing")));
            s3.deleteObject(b -> b.bucket("metrics-a").key("k1")); // a delete marker: k1 is no longer listed
            String upload = s3.createMultipartUpload(b -> b.bucket("metrics-a").key("mp")).uploadId();
            String e1 = s3.uploadPart(b -> b.bucket("metrics-a").key("mp").uploadId(upload).partNumber(1),
                    RequestBody.fromBytes(new byte[mib5])).eTag();
            String e2 = s3.uploadPart(b -> b.bucket("metrics-a").key("mp").uploadId(upload).partNumber(2),
                    RequestBody.fromBytes(new byte[1024])).eTag();
            s3.completeMultipartUpload(b -> b.bucket("metrics-a").key("mp").uploadId(upload)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(
                            CompletedPart.builder().partNumber(1).eTag(e1).build(),
                            CompletedPart.builder().partNumber(2).eTag(e2).build()).build()));
            iam.listUsers();
        }
        // A count moves once its answer is written, a moment after the client has read it: wait for all 13.
        PrometheusText t = awaitScrape(p -> p.sum("dualkey_requests_seconds_count") == 13);
        assertEquals(1, t.value("dualkey_requests_seconds_count", "api", "iam", "operation", "ListUsers",
                "status", "200"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "api", "s3", "operation", "CreateBucket",
                "status", "200"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "PutBucketVersioning", "status", "200"));
        assertEquals(3, t.value("dualkey_requests_seconds_count", "operation", "PutObject", "status", "200"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "GetObject", "status", "200"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "HeadObject", "status", "404"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "DeleteObject", "status", "204"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "CreateMultipartUpload",
                "status", "200"));
        assertEquals(2, t.value("dualkey_requests_seconds_count", "operation", "UploadPart", "status", "200"));
        assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "CompleteMultipartUpload",
                "status", "200"));
        // every request lands in the +Inf bucket, and the histogram is cumulative
        assertEquals(3, t.value("dualkey_requests_seconds_bucket", "operation", "PutObject", "status", "200",
                "le", "+Inf"));
        assertTrue(t.value("dualkey_requests_seconds_sum", "operation", "PutObject", "status", "200") > 0);
        // bytes: the body bytes the SDK sent (aws-chunked framing included, as on the wire), the object it read
        assertEquals(wire.sent.get("PutObject").get(), t.value("dualkey_received_bytes_total", "api", "s3",
                "operation", "PutObject"));
        assertTrue(wire.sent.get("PutObject").get() >= 6000);
        assertEquals(wire.sent.get("UploadPart").get(), t.value("dualkey_received_bytes_total",
                "operation", "UploadPart"));
        assertEquals(3000, t.value("dualkey_sent_bytes_total", "operation", "GetObject"));
        assertEquals(0, t.valueOr("dualkey_sent_bytes_total", 0, "operation", "HeadObject"));
        // usage of the bucket: k1 (2 versions under a marker), k2, mp
        long mp = mib5 + 1024;
        assertEquals(2, t.value("dualkey_bucket_objects", "bucket", "metrics-a"));
        assertEquals(4, t.value("dualkey_bucket_versions", "bucket", "metrics-a"));
        assertEquals(1, t.value("dualkey_bucket_delete_markers", "bucket", "metrics-a"));
        assertEquals(1000 + 2000 + 3000 + mp, t.value("dualkey_bucket_bytes", "bucket", "metrics-a"));
        assertEquals(3000 + mp, t.value("dualkey_bucket_current_bytes", "bucket", "metrics-a"));
        assertEquals(1000 + 2000 + 3000 + mp, t.value("dualkey_store_bytes"));
        // the standard JVM and process meters, RocksDB's figures
        assertTrue(t.value("process_uptime_seconds") > 0);
        assertTrue(t.sum("jvm_memory_used_bytes") > 0);
        assertTrue(t.value("dualkey_rocksdb_memtable_bytes") > 0);
        assertEquals(0, t.value("dualkey_rocksdb_write_stopped"));
        // the GET of k2 and the HEAD of a missing key, both answered on the event loop from the memtables (issue 19)
        assertEquals(2, t.value("dualkey_loop_reads_total", "outcome", "served"));
        assertEquals(0, t.value("dualkey_loop_reads_total", "outcome", "fell_back"));
        // no label carries a key id, a secret or an object key
        String raw = rawScrape();
        for (String secret : List.of(ROOT.accessKeyId(), ROOT.secretKey(), "k1", "k2", "\"mp\"")) {
            assertFalse(raw.contains(secret), secret);
        }
    }

    @Test
    void theS3ListenerNeverServesMetrics() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.endpoint() + "/metrics")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertNotEquals(200, r.statusCode()); // S3 reads it as the bucket "metrics", anonymously
        assertFalse(r.body().contains("dualkey_requests"), r.body());
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(metricsUrl.resolve("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode()); // the metrics listener serves /metrics only
    }

    private String rawScrape() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metricsUrl).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(DualkeyMetrics.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        return r.body();
    }

    private PrometheusText scrape() throws Exception {
        return PrometheusText.parse(rawScrape());
    }

    private PrometheusText awaitScrape(Predicate<PrometheusText> done) throws Exception {
        PrometheusText t = scrape();
        for (int i = 0; i < 200 && !done.test(t); i++) {
            Thread.sleep(25);
            t = scrape();
        }
        assertTrue(done.test(t), "the counters did not reach the expected values");
        return t;
    }
}
