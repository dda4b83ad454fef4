package dev.dualkey.compat.upstream;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.gateway.upstream.UpstreamObjectStore;
import dev.dualkey.testkit.MotoServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The MFA Delete suite's core through AWS SDK for Java v2 against a gateway in upstream mode over moto: versions are
 * upstream versions (same ids), a version delete without a code is refused and leaves the upstream version, with a
 * code it is gone for clients and upstream alike, and the versioning state cannot be changed without a code.
 */
class UpstreamMfaDeleteTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final String MFA_REQUIRED = "Mfa Authentication must be used for this request";

    private static MotoServer moto;
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client s3;
    private static S3Client direct;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.shared("UpstreamMfaDeleteTest");
        moto.reset();
        server = MfaDeleteServer.upstream(moto.endpoint());
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        s3 = Clients.v2(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
        direct = S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("test", "test"))).build();
    }

    @AfterAll
    static void stop() {
        if (direct != null) {
            direct.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (rootIam != null) {
            rootIam.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String mfaBucket() {
        String name = "upstream-mfa-" + BUCKETS.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        s3.putBucketVersioning(b -> b.bucket(name).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
        return name;
    }

    private static String put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body)).versionId();
    }

    private static String upstreamBucket(String bucket) {
        return ((UpstreamObjectStore) server.objectStore()).upstreamBucket(bucket);
    }

    private static boolean upstreamHas(String bucket, String key, String versionId) {
        try {
            direct.headObject(b -> b.bucket(upstreamBucket(bucket)).key(key).versionId(versionId));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void theUpstreamBucketIsVersionedAndHoldsTheVersionsClientsSee() {
        String bucket = mfaBucket();
        assertEquals(BucketVersioningStatus.ENABLED,
                direct.getBucketVersioning(b -> b.bucket(upstreamBucket(bucket))).status());
        String v1 = put(bucket, "k", "one");
        String v2 = put(bucket, "k", "two");
        List<String> upstreamIds = direct.listObjectVersions(b -> b.bucket(upstreamBucket(bucket))).versions()
                .stream().map(ObjectVersion::versionId).toList();
        assertTrue(upstreamIds.containsAll(List.of(v1, v2)), upstreamIds + " vs " + v1 + ", " + v2);
        assertEquals("one", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v1)).asUtf8String());
        assertEquals("two", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
        assertEquals("one", direct.getObjectAsBytes(b -> b.bucket(upstreamBucket(bucket)).key("k").versionId(v1))
                .asUtf8String());

        // a body of many read-ahead chunks: the event loop suspends and resumes the transfer, bytes intact
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(big);
        String bv = s3.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(big)).versionId();
        org.junit.jupiter.api.Assertions.assertArrayEquals(big,
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("big")).asByteArray());
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(big, 100, 2_000_100),
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("big").range("bytes=100-2000099")).asByteArray());
        assertTrue(upstreamHas(bucket, "big", bv));
    }

    @Test
    void aVersionDeleteWithoutACodeIsRefusedAndWithOneTheVersionIsGoneUpstreamToo() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "k", "one");
        put(bucket, "k", "two");

        S3Exception e = assertS3Error(403, "AccessDenied",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1)));
        assertEquals(MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals("one", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v1)).asUtf8String());
        assertTrue(upstreamHas(bucket, "k", v1), "a refused delete leaves the upstream version");

        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1).mfa(rootDevice.header()));
        assertS3Error(404, "NoSuchVersion", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")
                .versionId(v1)));
        assertFalse(upstreamHas(bucket, "k", v1), "deleted with a code: gone upstream too");
        assertEquals("two", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
    }

    @Test
    void aPlainDeleteAddsAMarkerWithoutACodeAndRemovingTheMarkerNeedsOne() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "k", "one");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")));
        assertTrue(upstreamHas(bucket, "k", v1));
        ListObjectVersionsResponse up = direct.listObjectVersions(b -> b.bucket(upstreamBucket(bucket)));
        assertEquals(List.of(marker), up.deleteMarkers().stream().map(m -> m.versionId()).toList(),
                "the marker is an upstream delete marker with the same id");

        S3Exception e = assertS3Error(403, "AccessDenied",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(marker)));
        assertEquals(MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(marker).mfa(rootDevice.header()));
        assertEquals("one", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
    }

    @Test
    void versioningCannotBeSuspendedWithoutACode() {
        String bucket = mfaBucket();
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status("Suspended"))));
        assertEquals(MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(b -> b.bucket(bucket)).status());
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        assertEquals(BucketVersioningStatus.SUSPENDED, s3.getBucketVersioning(b -> b.bucket(bucket)).status());
        assertEquals(BucketVersioningStatus.ENABLED,
                direct.getBucketVersioning(b -> b.bucket(upstreamBucket(bucket))).status(),
                "the upstream bucket stays versioned whatever the Dualkey state");
    }
}
