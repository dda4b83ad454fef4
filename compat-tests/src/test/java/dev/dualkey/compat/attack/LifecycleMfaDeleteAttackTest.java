package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * D6 from the attacker's side. A lifecycle rule permanently deletes versions without an MFA code, so a stolen key
 * that could put one on an MFA Delete bucket, or keep one while MFA Delete is turned on, would walk around the
 * gate. Each path is tried with root's and an {@code s3:*} IAM user's keys, and the two changes are raced. (The
 * worker's side, MFA Delete turned on after its pass started, is {@code LifecycleWorkerTest} in gateway: it needs
 * the store's delete to be interleaved by hand.)
 */
class LifecycleMfaDeleteAttackTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client root;
    private static S3Client admin;
    private static MfaDevice device;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        AccessKey adminKey = Iam.userAllowedEverything(rootIam, "lifecycle-admin");
        admin = Clients.v2(gw, adminKey);
        device = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
    }

    @AfterAll
    static void stop() {
        admin.close();
        root.close();
        rootIam.close();
        server.close();
    }

    private static String versionedBucket() {
        String b = "lc-attack-" + BUCKETS.incrementAndGet();
        root.createBucket(r -> r.bucket(b));
        root.putBucketVersioning(r -> r.bucket(b).versioningConfiguration(v -> v.status("Enabled")));
        return b;
    }

    private static void putLifecycle(S3Client s3, String bucket) {
        s3.putBucketLifecycleConfiguration(r -> r.bucket(bucket).lifecycleConfiguration(c -> c.rules(
                LifecycleRule.builder().id("wipe").status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(1)).build())));
    }

    private static void enableMfaDelete(String bucket) {
        root.putBucketVersioning(r -> r.bucket(bucket).mfa(device.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
    }

    @Test
    void lifecycleCannotBePutOnAnMfaDeleteBucketByAnyone() {
        String bucket = versionedBucket();
        enableMfaDelete(bucket);
        for (S3Client s3 : new S3Client[] {root, admin}) {
            S3Exception e = assertS3Error(400, "InvalidRequest", () -> putLifecycle(s3, bucket));
            assertTrue(e.awsErrorDetails().errorMessage().contains("MFA Delete"), e.awsErrorDetails().errorMessage());
        }
        assertS3Error(404, "NoSuchLifecycleConfiguration",
                () -> root.getBucketLifecycleConfiguration(r -> r.bucket(bucket)));
    }

    @Test
    void mfaDeleteCannotBeEnabledWhileLifecycleExistsEvenWithAValidCode() {
        String bucket = versionedBucket();
        putLifecycle(admin, bucket);
        String header = device.header();
        S3Exception e = assertS3Error(400, "InvalidRequest", () -> root.putBucketVersioning(r -> r.bucket(bucket)
                .mfa(header).versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED))));
        assertTrue(e.awsErrorDetails().errorMessage().contains("lifecycle"), e.awsErrorDetails().errorMessage());
        assertNull(root.getBucketVersioning(r -> r.bucket(bucket)).mfaDelete());
        // Only after the configuration is gone; the refusal came before the code check, so the code is unspent.
        root.deleteBucketLifecycle(r -> r.bucket(bucket));
        root.putBucketVersioning(r -> r.bucket(bucket).mfa(header)
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
        assertEquals(MFADeleteStatus.ENABLED, root.getBucketVersioning(r -> r.bucket(bucket)).mfaDelete());
    }

    /** Both changes at once, many times: the bucket never ends with both. */
    @Test
    void racingTheTwoChangesNeverLeavesBoth() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 8; i++) {
                String bucket = versionedBucket();
                String header = device.header();
                CountDownLatch go = new CountDownLatch(1);
                Future<?> mfa = pool.submit(() -> {
                    go.await();
                    root.putBucketVersioning(r -> r.bucket(bucket).mfa(header)
                            .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
                    return null;
                });
                Future<?> lc = pool.submit(() -> {
                    go.await();
                    putLifecycle(admin, bucket);
                    return null;
                });
                go.countDown();
                boolean mfaOk = succeeded(mfa);
                boolean lcOk = succeeded(lc);
                assertTrue(mfaOk ^ lcOk, "exactly one of the two changes wins (round " + i + ")");
                boolean mfaOn = root.getBucketVersioning(r -> r.bucket(bucket)).mfaDelete() == MFADeleteStatus.ENABLED;
                boolean lcOn;
                try {
                    root.getBucketLifecycleConfiguration(r -> r.bucket(bucket));
                    lcOn = true;
                } catch (S3Exception e) {
                    assertEquals("NoSuchLifecycleConfiguration", e.awsErrorDetails().errorCode());
                    lcOn = false;
                }
                assertFalse(mfaOn && lcOn, "round " + i);
                assertEquals(mfaOk, mfaOn);
                assertEquals(lcOk, lcOn);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean succeeded(Future<?> f) throws InterruptedException {
        try {
            f.get();
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            S3Exception s3 = (S3Exception) e.getCause();
            assertEquals(400, s3.statusCode());
            assertEquals("InvalidRequest", s3.awsErrorDetails().errorCode());
            return false;
        }
    }
}
