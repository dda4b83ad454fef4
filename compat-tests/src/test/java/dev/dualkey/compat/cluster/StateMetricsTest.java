package dev.dualkey.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.ServeProcess;
import dev.dualkey.gateway.metrics.PrometheusText;
import dev.dualkey.testkit.EtcdServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code serve --state etcd://...} exports its state store's commit outcomes on {@code /metrics} (SECURITY.md AC3:
 * an operator alerts on commits whose outcome etcd could not tell): after S3 traffic that commits to etcd, the two
 * counters and the gauge are in the scrape, at zero with a healthy etcd. Counting itself is storage's
 * {@code EtcdCommitOutcomeTest}; this checks the serve command wires it.
 */
class StateMetricsTest {
    @TempDir
    Path dir;

    @Test
    void aClusterGatewayExportsItsStateCommitOutcomes() throws Exception {
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        try (EtcdServer etcd = EtcdServer.start("StateMetricsTest", dir.resolve("etcd"));
             ServeProcess gw = ServeProcess.start(dir.resolve("gw"),
                     Map.of("DUALKEY_MASTER_KEY", Base64.getEncoder().encodeToString(master)),
                     "--state", etcd.stateUrl(), "--metrics-address", "127.0.0.1:" + metricsPort);
             S3Client s3 = Clients.v2(gw.endpoint())) {
            s3.createBucket(b -> b.bucket("state-metrics"));
            assertEquals(200, s3.putObject(b -> b.bucket("state-metrics").key("k"), RequestBody.fromString("v"))
                    .sdkHttpResponse().statusCode());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            PrometheusText t = PrometheusText.parse(r.body());
            assertTrue(t.names().contains("dualkey_state_lost_answers_total"), t.names().toString());
            assertEquals(0, t.value("dualkey_state_lost_answers_total"));
            assertEquals(0, t.value("dualkey_state_unknown_outcomes_total"));
            assertEquals(0, t.value("dualkey_state_pending_fences"));
            assertTrue(t.sum("dualkey_requests_seconds_count") >= 2, "the S3 requests are counted too");
        }
    }
}
