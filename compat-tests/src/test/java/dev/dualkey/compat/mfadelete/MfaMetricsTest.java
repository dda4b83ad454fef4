package dev.dualkey.compat.mfadelete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.gateway.metrics.DualkeyMetrics;
import dev.dualkey.gateway.metrics.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * MFA Delete traffic through SDK v2 moves the MFA metrics exactly: accepted, wrong and replayed codes, the lockout
 * after the fifth wrong code in a step, and the refusal of a locked device, all with purpose {@code s3}.
 */
class MfaMetricsTest {
    private DualkeyMetrics metrics;
    private MfaDeleteServer server;
    private S3Client s3;
    private IamClient iam;
    private MfaDevice root;

    @BeforeEach
    void start() {
        metrics = new DualkeyMetrics();
        server = MfaDeleteServer.loopbackWithMetrics(metrics);
        GatewayEndpoint gw = server.endpoint();
        iam = Iam.client(gw, gw.root());
        s3 = Clients.v2(gw);
        root = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
    }

    @AfterEach
    void stop() {
        s3.close();
        iam.close();
        server.close();
        metrics.close();
    }

    private double checks(PrometheusText t, String outcome) {
        return t.value("dualkey_mfa_checks_total", "purpose", "s3", "outcome", outcome);
    }

    @Test
    void mfaDeleteOutcomesAndTheLockoutAreCounted() {
        PrometheusText before = PrometheusText.parse(metrics.scrape());
        s3.createBucket(b -> b.bucket("mfa-metrics"));
        s3.putBucketVersioning(b -> b.bucket("mfa-metrics").mfa(root.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));  // accepted
        String v1 = s3.putObject(b -> b.bucket("mfa-metrics").key("k"), RequestBody.fromString("one")).versionId();
        String v2 = s3.putObject(b -> b.bucket("mfa-metrics").key("k"), RequestBody.fromString("two")).versionId();
        String code = root.freshCode();
        s3.deleteObject(b -> b.bucket("mfa-metrics").key("k").versionId(v1).mfa(root.header(code)));  // accepted
        assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket("mfa-metrics").key("k")
                .versionId(v2).mfa(root.header(code))));                                             // replayed
        for (int i = 0; i < 5; i++) {                                                               // 5 wrong: locked
            assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket("mfa-metrics").key("k")
                    .versionId(v2).mfa(root.header(root.wrongCode()))));
        }
        // in the same step (the device's clock has not moved): refused without evaluating the code
        assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket("mfa-metrics").key("k")
                .versionId(v2).mfa(root.header(root.wrongCode()))));                                 // locked

        PrometheusText after = PrometheusText.parse(metrics.scrape());
        assertEquals(2, checks(after, "accepted") - checks(before, "accepted"));
        assertEquals(1, checks(after, "replayed") - checks(before, "replayed"));
        assertEquals(5, checks(after, "wrong") - checks(before, "wrong"));
        assertEquals(1, checks(after, "locked") - checks(before, "locked"));
        assertEquals(1, after.value("dualkey_mfa_lockouts_total") - before.value("dualkey_mfa_lockouts_total"));
        assertEquals(1, after.value("dualkey_bucket_versions", "bucket", "mfa-metrics")); // v2 survived
    }
}
