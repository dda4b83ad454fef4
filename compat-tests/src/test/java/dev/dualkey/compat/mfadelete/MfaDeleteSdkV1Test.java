package dev.dualkey.compat.mfadelete;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.BucketVersioningConfiguration;
import com.amazonaws.services.s3.model.DeleteObjectsRequest;
import com.amazonaws.services.s3.model.DeleteObjectsRequest.KeyVersion;
import com.amazonaws.services.s3.model.DeleteObjectsResult;
import com.amazonaws.services.s3.model.DeleteVersionRequest;
import com.amazonaws.services.s3.model.ListVersionsRequest;
import com.amazonaws.services.s3.model.MultiFactorAuthentication;
import com.amazonaws.services.s3.model.S3VersionSummary;
import com.amazonaws.services.s3.model.SetBucketVersioningConfigurationRequest;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * MFA Delete through AWS SDK for Java v1, the client most MFA Delete scripts were written with:
 * {@link SetBucketVersioningConfigurationRequest} with a {@link MultiFactorAuthentication},
 * {@link DeleteVersionRequest} and {@link DeleteObjectsRequest} with MFA.
 */
class MfaDeleteSdkV1Test {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static AmazonS3 s3;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() {
        // SDK v1 sends every request that carries MFA over HTTPS, whatever the endpoint's scheme (against a
        // plain-HTTP port it starts a TLS handshake), as Amazon requires: so this suite runs on the TLS listener.
        startOn(MfaDeleteServer.https());
    }

    /** Runs the suite against {@code s} ({@link ClusterMfaDeleteSdkV1Test}: cluster mode, over TLS too). */
    static void startOn(MfaDeleteServer s) {
        server = s;
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        s3 = Clients.v1(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
    }

    @AfterAll
    static void stop() {
        s3.shutdown();
        rootIam.close();
        server.close();
    }

    @Test
    void setBucketVersioningConfigurationWithMultiFactorAuthentication() {
        String bucket = newBucket();
        assertNull(s3.getBucketVersioningConfiguration(bucket).isMfaDeleteEnabled());

        // (SDK v1 itself refuses to send MfaDelete without MultiFactorAuthentication; SDK v2 covers that row.)
        s3.setBucketVersioningConfiguration(new SetBucketVersioningConfigurationRequest(bucket, enabled(true), mfa()));
        BucketVersioningConfiguration on = s3.getBucketVersioningConfiguration(bucket);
        assertEquals(BucketVersioningConfiguration.ENABLED, on.getStatus());
        assertTrue(on.isMfaDeleteEnabled());

        // Suspending while MFA Delete is on needs the code as well. Without it: refused.
        BucketVersioningConfiguration suspend = new BucketVersioningConfiguration(
                BucketVersioningConfiguration.SUSPENDED);
        AmazonS3Exception e = assertV1Error(403, "AccessDenied", () -> s3.setBucketVersioningConfiguration(
                new SetBucketVersioningConfigurationRequest(bucket, suspend)));
        assertEquals(Messages.MFA_REQUIRED, e.getErrorMessage());
        // SDK v1 only sends the MFA header when the configuration names MfaDelete, so a status change on an MFA
        // Delete bucket restates MfaDelete=Enabled.
        BucketVersioningConfiguration suspendKeepingMfaDelete = new BucketVersioningConfiguration(
                BucketVersioningConfiguration.SUSPENDED).withMfaDeleteEnabled(true);
        e = assertV1Error(400, "InvalidArgument", () -> s3.setBucketVersioningConfiguration(
                new SetBucketVersioningConfigurationRequest(bucket, suspendKeepingMfaDelete,
                        new MultiFactorAuthentication(rootDevice.serial(), rootDevice.wrongCode()))));
        assertEquals(Messages.HEADER_INVALID, e.getErrorMessage());
        assertEquals(BucketVersioningConfiguration.ENABLED, s3.getBucketVersioningConfiguration(bucket).getStatus());
        s3.setBucketVersioningConfiguration(new SetBucketVersioningConfigurationRequest(bucket,
                suspendKeepingMfaDelete, mfa()));
        BucketVersioningConfiguration suspended = s3.getBucketVersioningConfiguration(bucket);
        assertEquals(BucketVersioningConfiguration.SUSPENDED, suspended.getStatus());
        assertTrue(suspended.isMfaDeleteEnabled());

        s3.setBucketVersioningConfiguration(new SetBucketVersioningConfigurationRequest(bucket, enabled(false), mfa()));
        BucketVersioningConfiguration off = s3.getBucketVersioningConfiguration(bucket);
        assertEquals(BucketVersioningConfiguration.ENABLED, off.getStatus());
        assertFalse(off.isMfaDeleteEnabled(), "reported as Disabled once configured");
    }

    @Test
    void deleteVersionRequestWithMfa() {
        String bucket = mfaBucket();
        String v1 = s3.putObject(bucket, "doc", "one").getVersionId();
        String v2 = s3.putObject(bucket, "doc", "two").getVersionId();

        AmazonS3Exception e = assertV1Error(403, "AccessDenied", () -> s3.deleteVersion(bucket, "doc", v1));
        assertEquals(Messages.MFA_REQUIRED, e.getErrorMessage());
        e = assertV1Error(400, "InvalidArgument", () -> s3.deleteVersion(new DeleteVersionRequest(bucket, "doc", v1,
                new MultiFactorAuthentication(rootDevice.serial(), rootDevice.wrongCode()))));
        assertEquals(Messages.HEADER_INVALID, e.getErrorMessage());
        assertEquals(List.of(v2, v1), versionIds(bucket));

        MultiFactorAuthentication once = mfa();
        s3.deleteVersion(new DeleteVersionRequest(bucket, "doc", v1, once));
        e = assertV1Error(400, "InvalidArgument", () -> s3.deleteVersion(
                new DeleteVersionRequest(bucket, "doc", v2, once)));
        assertEquals(Messages.HEADER_INVALID, e.getErrorMessage());
        assertEquals(List.of(v2), versionIds(bucket));

        // A plain delete adds a marker without a code; removing the marker needs one.
        s3.deleteObject(bucket, "doc");
        String marker = s3.listVersions(new ListVersionsRequest().withBucketName(bucket)).getVersionSummaries()
                .stream().filter(S3VersionSummary::isDeleteMarker).findFirst().orElseThrow().getVersionId();
        e = assertV1Error(403, "AccessDenied", () -> s3.deleteVersion(bucket, "doc", marker));
        assertEquals(Messages.MFA_REQUIRED, e.getErrorMessage());
        s3.deleteVersion(new DeleteVersionRequest(bucket, "doc", marker, mfa()));
        assertEquals("two", s3.getObjectAsString(bucket, "doc"));
    }

    @Test
    void deleteObjectsRequestWithMfa() {
        String bucket = mfaBucket();
        List<KeyVersion> versions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = "k" + (i % 3);
            versions.add(new KeyVersion(key, s3.putObject(bucket, key, "body " + i).getVersionId()));
        }
        List<KeyVersion> mixed = new ArrayList<>(versions);
        mixed.add(new KeyVersion("unversioned-entry"));

        AmazonS3Exception e = assertV1Error(403, "AccessDenied",
                () -> s3.deleteObjects(new DeleteObjectsRequest(bucket).withKeys(mixed)));
        assertEquals(Messages.MFA_REQUIRED, e.getErrorMessage());
        assertEquals(10, versionIds(bucket).size());
        e = assertV1Error(400, "InvalidArgument", () -> s3.deleteObjects(new DeleteObjectsRequest(bucket)
                .withKeys(mixed).withMfa(new MultiFactorAuthentication(rootDevice.serial(), rootDevice.wrongCode()))));
        assertEquals(Messages.HEADER_INVALID, e.getErrorMessage());
        assertEquals(10, versionIds(bucket).size());

        DeleteObjectsResult r = s3.deleteObjects(new DeleteObjectsRequest(bucket).withKeys(versions).withMfa(mfa()));
        assertEquals(10, r.getDeletedObjects().size());
        assertTrue(versionIds(bucket).isEmpty());
    }

    @Test
    void anIamUserIsNotTheBucketOwner() {
        AccessKey userKey = Iam.userAllowedEverything(rootIam, "v1-admin");
        String bucket = mfaBucket();
        String v1 = s3.putObject(bucket, "doc", "one").getVersionId();
        AmazonS3 user = Clients.v1(gw, userKey);
        try {
            AmazonS3Exception e = assertV1Error(403, "AccessDenied", () -> user.deleteVersion(
                    new DeleteVersionRequest(bucket, "doc", v1, mfa())));
            assertEquals(Messages.OWNER_ONLY, e.getErrorMessage());
            e = assertV1Error(403, "AccessDenied", () -> user.setBucketVersioningConfiguration(
                    new SetBucketVersioningConfigurationRequest(bucket, enabled(false), mfa())));
            assertEquals(Messages.OWNER_ONLY, e.getErrorMessage());
        } finally {
            user.shutdown();
        }
        assertTrue(s3.getBucketVersioningConfiguration(bucket).isMfaDeleteEnabled());
        assertEquals(List.of(v1), versionIds(bucket));
    }

    private static MultiFactorAuthentication mfa() {
        return new MultiFactorAuthentication(rootDevice.serial(), rootDevice.freshCode());
    }

    private static BucketVersioningConfiguration enabled(boolean mfaDelete) {
        return new BucketVersioningConfiguration(BucketVersioningConfiguration.ENABLED)
                .withMfaDeleteEnabled(mfaDelete);
    }

    private static String newBucket() {
        String name = "mfa-v1-" + BUCKETS.incrementAndGet();
        s3.createBucket(name);
        return name;
    }

    private static String mfaBucket() {
        String name = newBucket();
        s3.setBucketVersioningConfiguration(new SetBucketVersioningConfigurationRequest(name, enabled(true), mfa()));
        return name;
    }

    /** Ids of object versions (not delete markers), newest first. */
    private static List<String> versionIds(String bucket) {
        return s3.listVersions(new ListVersionsRequest().withBucketName(bucket)).getVersionSummaries().stream()
                .filter(v -> !v.isDeleteMarker()).map(S3VersionSummary::getVersionId).toList();
    }
}
