package dev.dualkey.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter over a real store: names, labels, usage gauges, audit classification, who may scrape. */
class DualkeyMetricsTest {
    @TempDir
    Path dir;

    @Test
    void usageGaugesFollowTheStoreAndBucketSeriesAreCapped() {
        try (StorageEngine engine = StorageEngine.open(dir, List.of());
             DualkeyMetrics metrics = new DualkeyMetrics()) {
            ObjectStore store = engine.objectStore();
            for (String b : List.of("alpha", "beta", "gamma")) {
                store.createBucket(b, "111122223333", "us-east-1");
            }
            put(store, "alpha", "k1", 100);
            put(store, "alpha", "k2", 50);
            put(store, "gamma", "k", 7);
            metrics.bindStore(store, 2);
            metrics.bindDatabase(engine.database());
            PrometheusText t = PrometheusText.parse(metrics.scrape());
            assertEquals(2, t.value("dualkey_bucket_objects", "bucket", "alpha"));
            assertEquals(150, t.value("dualkey_bucket_bytes", "bucket", "alpha"));
            assertEquals(0, t.value("dualkey_bucket_objects", "bucket", "beta")); // empty, still listed
            assertTrue(t.find("dualkey_bucket_objects", "bucket", "gamma").isEmpty(), "over the limit of 2");
            assertEquals(1, t.value("dualkey_bucket_series_truncated"));
            assertEquals(3, t.value("dualkey_store_objects"));   // totals count every bucket
            assertEquals(157, t.value("dualkey_store_bytes"));
            assertEquals(157, t.value("dualkey_store_current_bytes"));
            assertEquals("gauge", t.types().get("dualkey_bucket_bytes"));
            assertTrue(t.names().contains("jvm_memory_used_bytes"));
            assertTrue(t.names().contains("process_cpu_usage"));
            assertTrue(t.names().contains("dualkey_rocksdb_sst_bytes"));
            assertTrue(t.names().contains("dualkey_rocksdb_write_stalls_total"));

            store.deleteObject("alpha", "k1", null);
            t = PrometheusText.parse(metrics.scrape());
            assertEquals(1, t.value("dualkey_bucket_objects", "bucket", "alpha"));
            assertEquals(50, t.value("dualkey_bucket_bytes", "bucket", "alpha"));
            assertEquals(57, t.value("dualkey_store_bytes"));
        }
    }

    @Test
    void requestsAreCountedByApiOperationAndStatusWithLatencyBuckets() {
        try (DualkeyMetrics metrics = new DualkeyMetrics()) {
            metrics.requests().record("s3", "PutObject", 200, 3_000_000, 1000, 0);
            metrics.requests().record("s3", "PutObject", 200, 40_000_000, 500, 0);
            metrics.requests().record("s3", "GetObject", 404, 1_000, 0, 250);
            PrometheusText t = PrometheusText.parse(metrics.scrape());
            assertEquals(2, t.value("dualkey_requests_seconds_count", "api", "s3", "operation", "PutObject",
                    "status", "200"));
            assertEquals(0.043, t.value("dualkey_requests_seconds_sum", "operation", "PutObject"), 1e-9);
            assertEquals(1, t.value("dualkey_requests_seconds_bucket", "operation", "PutObject", "le", "0.005"));
            assertEquals(2, t.value("dualkey_requests_seconds_bucket", "operation", "PutObject", "le", "0.05"));
            assertEquals(2, t.value("dualkey_requests_seconds_bucket", "operation", "PutObject", "le", "+Inf"));
            assertEquals(1500, t.value("dualkey_received_bytes_total", "operation", "PutObject"));
            assertEquals(250, t.value("dualkey_sent_bytes_total", "operation", "GetObject"));
            assertEquals(1, t.value("dualkey_requests_seconds_count", "operation", "GetObject", "status", "404"));
            assertEquals("histogram", t.types().get("dualkey_requests_seconds"));
        }
    }

    /** Cluster mode's commit outcomes (SECURITY.md AC2/AC3) are read from the state store at each scrape. */
    @Test
    void stateStoreCommitOutcomesAreReadAtScrapeTime() {
        long[] counts = {0, 0, 0};
        dev.dualkey.storage.kv.CommitOutcomes state = new dev.dualkey.storage.kv.CommitOutcomes() {
            @Override
            public long lostAnswers() {
                return counts[0];
            }

            @Override
            public long unknownOutcomes() {
                return counts[1];
            }

            @Override
            public long pendingFences() {
                return counts[2];
            }
        };
        try (DualkeyMetrics metrics = new DualkeyMetrics()) {
            metrics.bindCommitOutcomes(state);
            PrometheusText zero = PrometheusText.parse(metrics.scrape());
            assertEquals(0, zero.value("dualkey_state_lost_answers_total"));
            assertEquals(0, zero.value("dualkey_state_unknown_outcomes_total"));
            assertEquals(0, zero.value("dualkey_state_pending_fences"));
            counts[0] = 7;
            counts[1] = 2;
            counts[2] = 1;
            PrometheusText t = PrometheusText.parse(metrics.scrape());
            assertEquals(7, t.value("dualkey_state_lost_answers_total"));
            assertEquals(2, t.value("dualkey_state_unknown_outcomes_total"));
            assertEquals(1, t.value("dualkey_state_pending_fences"));
        }
    }

    @Test
    void mfaChecksLockoutsAndSignInsAreCountedFromAuditRecords() {
        try (DualkeyMetrics metrics = new DualkeyMetrics()) {
            var l = metrics.auditListener();
            Instant now = Instant.EPOCH;
            l.accept(rec(now, "s3:MfaCheck", "ACCEPTED", null));
            l.accept(rec(now, "s3:MfaCheck", "INVALID", "wrong code"));
            l.accept(rec(now, "s3:MfaCheck", "INVALID", "wrong code; 5 wrong codes in a step (API); locked for 5m"));
            l.accept(rec(now, "s3:MfaCheck", "INVALID", "replayed code"));
            l.accept(rec(now, "console:SignInMfa", "LOCKED", "5 wrong codes in a step (CONSOLE); locked"));
            l.accept(rec(now, "sts:GetSessionToken", "INVALID", "malformed code"));
            l.accept(rec(now, "iam:EnableMFADevice", "INVALID", "unknown serial"));
            l.accept(rec(now, "console:SignIn", "OK", null));
            l.accept(rec(now, "console:SignIn", "DENIED", "wrong password"));
            l.accept(rec(now, "console:SignIn", "THROTTLED", null));
            l.accept(rec(now, "console:SignIn", "MFA_REQUIRED", null));
            l.accept(rec(now, "s3:PutBucketVersioning", "ALLOWED", null)); // not a check: ignored
            PrometheusText t = PrometheusText.parse(metrics.scrape());
            assertEquals(1, t.value("dualkey_mfa_checks_total", "purpose", "s3", "outcome", "accepted"));
            assertEquals(2, t.value("dualkey_mfa_checks_total", "purpose", "s3", "outcome", "wrong"));
            assertEquals(1, t.value("dualkey_mfa_checks_total", "purpose", "s3", "outcome", "replayed"));
            assertEquals(1, t.value("dualkey_mfa_checks_total", "purpose", "console", "outcome", "locked"));
            assertEquals(1, t.value("dualkey_mfa_checks_total", "purpose", "sts", "outcome", "malformed"));
            assertEquals(1, t.value("dualkey_mfa_checks_total", "purpose", "iam", "outcome", "unknown_device"));
            assertEquals(7, t.sum("dualkey_mfa_checks_total")); // the ALLOWED record is no check
            assertEquals(1, t.value("dualkey_mfa_lockouts_total"));
            for (String o : List.of("signed_in", "denied", "throttled", "mfa_required")) {
                assertEquals(1, t.value("dualkey_console_signins_total", "outcome", o), o);
            }
        }
    }

    @Test
    void onlyAllowedScrapersGetMetrics() {
        try (DualkeyMetrics metrics = new DualkeyMetrics()) {
            ConsoleApp console = new ConsoleApp() {
                @Override
                public ConsoleResponse handle(ConsoleRequest request) {
                    return ConsoleResponse.text(302, "console page");
                }

                @Override
                public boolean isUpload(String method, String path) {
                    return false;
                }

                @Override
                public dev.dualkey.gateway.console.web.UploadSink beginUpload(ConsoleRequest r, String f, String c) {
                    throw new UnsupportedOperationException();
                }
            };
            MetricsAccess token = MetricsAccess.bearer("0123456789abcdef0123");
            // loopback console, no token: served
            assertEquals(200, MetricsHttp.onConsole(console, metrics, MetricsAccess.open(), true, true)
                    .handle(get("/metrics", null)).status());
            // a console listening beyond loopback without a token: /metrics is the console's (not served)
            assertEquals(302, MetricsHttp.onConsole(console, metrics, MetricsAccess.open(), false, true)
                    .handle(get("/metrics", null)).status());
            // a token: required, compared exactly
            ConsoleApp guarded = MetricsHttp.onConsole(console, metrics, token, false, true);
            assertEquals(401, guarded.handle(get("/metrics", null)).status());
            assertEquals(401, guarded.handle(get("/metrics", "Bearer 0123456789abcdef012")).status());
            assertEquals(401, guarded.handle(get("/metrics", "Basic 0123456789abcdef0123")).status());
            ConsoleResponse ok = guarded.handle(get("/metrics", "Bearer 0123456789abcdef0123"));
            assertEquals(200, ok.status());
            assertEquals(DualkeyMetrics.CONTENT_TYPE, ok.header("Content-Type"));
            assertTrue(ok.bodyText().contains("dualkey_mfa_lockouts_total"));
            assertEquals(302, guarded.handle(get("/buckets", null)).status()); // other pages pass through
            // metrics on their own listener: the console does not serve them
            assertEquals(302, MetricsHttp.onConsole(console, metrics, MetricsAccess.open(), true, false)
                    .handle(get("/metrics", null)).status());
            ConsoleApp alone = MetricsHttp.standalone(metrics, MetricsAccess.open());
            assertEquals(200, alone.handle(get("/metrics", null)).status());
            assertEquals(404, alone.handle(get("/", null)).status());
            assertFalse(alone.isUpload("POST", "/buckets/x/upload"));
            assertThrows(IllegalArgumentException.class, () -> MetricsAccess.bearer("short"));
        }
    }

    private static ConsoleRequest get(String path, String authorization) {
        return new ConsoleRequest("GET", path, FormData.parse(""), FormData.parse(""), Map.of(), "localhost", null,
                "127.0.0.1", false, authorization);
    }

    private static AuditRecord rec(Instant t, String action, String outcome, String reason) {
        return AuditRecord.of(t, "111122223333", "root", action, outcome).withReason(reason);
    }

    private static void put(ObjectStore store, String bucket, String key, int size) {
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[size]));
            w.commit(Expectations.none());
        }
    }

    @Test
    void consoleRequestsAreCountedByRouteTemplateUnderApiConsole() throws Exception {
        try (DualkeyMetrics metrics = new DualkeyMetrics()) {
            ConsoleApp console = new ConsoleApp() {
                @Override
                public ConsoleResponse handle(ConsoleRequest request) {
                    return request.isPost() ? ConsoleResponse.redirect("/settings?n=saved")
                            : request.path().startsWith("/nope") ? ConsoleResponse.text(404, "Not found")
                            : ConsoleResponse.text(200, "page of 17 b");
                }

                @Override
                public boolean isUpload(String method, String path) {
                    return method.equals("POST") && path.endsWith("/upload");
                }

                @Override
                public dev.dualkey.gateway.console.web.UploadSink beginUpload(ConsoleRequest r, String f, String c) {
                    return new dev.dualkey.gateway.console.web.UploadSink() {
                        @Override
                        public void write(byte[] buf, int off, int len) {
                        }

                        @Override
                        public ConsoleResponse commit() {
                            return ConsoleResponse.redirect("/buckets/photos?n=uploaded");
                        }

                        @Override
                        public void abort() {
                        }
                    };
                }
            };
            ConsoleApp app = MetricsHttp.onConsole(console, metrics, MetricsAccess.open(), true, true);
            app.handle(get("/buckets/photos", null));
            app.handle(get("/buckets/secret-bucket-name", null));
            app.handle(new ConsoleRequest("POST", "/settings", FormData.EMPTY, FormData.EMPTY, Map.of(), "h", null,
                    "127.0.0.1", false));
            app.handle(get("/nope/AKIAEXAMPLE", null));
            app.handle(get("/a/123456789012", null));
            var sink = app.beginUpload(new ConsoleRequest("POST", "/buckets/photos/upload", FormData.EMPTY,
                    FormData.EMPTY, Map.of(), "h", null, "127.0.0.1", false), "f.txt", "text/plain");
            sink.write(new byte[1000], 0, 1000);
            sink.write(new byte[234], 0, 234);
            assertEquals(303, sink.commit().status());
            app.handle(get("/metrics", null)); // the scrape itself is not a console page: not counted

            PrometheusText text = PrometheusText.parse(metrics.scrape());
            assertEquals(2.0, text.value("dualkey_requests_seconds_count", "api", "console", "operation",
                    "GET /buckets/{bucket}", "status", "200"));
            assertEquals(1.0, text.value("dualkey_requests_seconds_count", "api", "console", "operation",
                    "POST /settings", "status", "303"));
            assertEquals(1.0, text.value("dualkey_requests_seconds_count", "api", "console", "operation",
                    "Unknown", "status", "404"));
            assertEquals(1.0, text.value("dualkey_requests_seconds_count", "api", "console", "operation",
                    "GET /a/{account}", "status", "200"));
            assertEquals(1.0, text.value("dualkey_requests_seconds_count", "api", "console", "operation",
                    "POST /buckets/{bucket}/upload", "status", "303"));
            assertEquals(1234.0, text.value("dualkey_received_bytes_total", "api", "console", "operation",
                    "POST /buckets/{bucket}/upload"));
            assertEquals(2 * 12.0, text.value("dualkey_sent_bytes_total", "api", "console", "operation",
                    "GET /buckets/{bucket}"));
            assertEquals(6.0, text.sum("dualkey_requests_seconds_count", "api", "console"),
                    "five pages and an upload; the scrape not among them");
            for (PrometheusText.Sample sample : text.samples()) {
                String labels = sample.labels().toString();
                assertFalse(labels.contains("secret-bucket-name") || labels.contains("AKIAEXAMPLE")
                        || labels.contains("123456789012") || labels.contains("photos"), labels);
            }
        }
    }
}
