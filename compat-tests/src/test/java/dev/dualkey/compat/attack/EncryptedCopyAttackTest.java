package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.Messages;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Issue 16's encrypted copies seen by an attacker holding a stolen access key (root's, or an IAM user's allowed
 * everything) but no MFA code: re-encrypting a version in place under a key only the attacker knows (SSE-C) or under
 * an SSE-KMS key would make its data unreadable to its owner, which is destroying it. On a bucket with MFA Delete and
 * versioning Suspended such a copy (CopyObject, or CreateMultipartUpload + UploadPartCopy + Complete) replaces the
 * null version, so it needs root's code (D9) and is refused, leaving the original readable without any key; on a
 * versioning-Enabled bucket it only adds a version and the original stays readable by its version id.
 */
class EncryptedCopyAttackTest {
    private static final byte[] THIEFS_KEY = new byte[32];
    private static MfaDeleteServer server;
    private static IamClient rootIam;
    private static S3Client root;
    private static S3Client thief;
    private static MfaDevice rootDevice;
    private static int buckets;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        GatewayEndpoint gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
        AccessKey thiefKey = Iam.userAllowedEverything(rootIam, "eve");
        thief = Clients.v2(gw, thiefKey);
        new java.util.Random(7).nextBytes(THIEFS_KEY);
    }

    @AfterAll
    static void stop() {
        thief.close();
        root.close();
        rootIam.close();
        server.close();
    }

    private static String bucket(String versioning) {
        String bucket = "enc-copy-" + (++buckets);
        root.createBucket(b -> b.bucket(bucket));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        if (versioning.equals("Suspended")) {
            root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                    .versioningConfiguration(v -> v.status("Suspended")));
        }
        root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("the original"));
        return bucket;
    }

    private static String md5(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }

    private static CopyObjectRequest.Builder underThiefsKey(CopyObjectRequest.Builder b) throws RuntimeException {
        try {
            return b.sseCustomerAlgorithm("AES256").sseCustomerKey(Base64.getEncoder().encodeToString(THIEFS_KEY))
                    .sseCustomerKeyMD5(md5(THIEFS_KEY));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertMfaRequired(org.junit.jupiter.api.function.Executable call) {
        S3Exception e = assertS3Error(403, "AccessDenied", call);
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
    }

    private static void assertOriginalReadableWithoutAKey(String bucket) {
        assertEquals("the original", root.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());
    }

    @Test
    void reEncryptingTheNullVersionInPlaceNeedsRootsCode() throws Exception {
        String bucket = bucket("Suspended");
        for (S3Client stolen : List.of(thief, root)) {
            assertMfaRequired(() -> stolen.copyObject(b -> underThiefsKey(b.sourceBucket(bucket).sourceKey("doc")
                    .destinationBucket(bucket).destinationKey("doc"))));
            assertMfaRequired(() -> stolen.copyObject(b -> b.sourceBucket(bucket).sourceKey("doc")
                    .destinationBucket(bucket).destinationKey("doc").serverSideEncryption(ServerSideEncryption.AWS_KMS)));
        }
        assertOriginalReadableWithoutAKey(bucket);
        List<ObjectVersion> docs = root.listObjectVersions(b -> b.bucket(bucket).prefix("doc")).versions();
        assertEquals(1, docs.size());
    }

    @Test
    void aMultipartPartCopyUnderTheThiefsKeyCannotReplaceTheNullVersion() throws Exception {
        String bucket = bucket("Suspended");
        String b64 = Base64.getEncoder().encodeToString(THIEFS_KEY);
        String md5 = md5(THIEFS_KEY);
        String id = thief.createMultipartUpload(b -> b.bucket(bucket).key("doc").sseCustomerAlgorithm("AES256")
                .sseCustomerKey(b64).sseCustomerKeyMD5(md5)).uploadId();
        var part = thief.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("doc").destinationBucket(bucket)
                .destinationKey("doc").uploadId(id).partNumber(1).sseCustomerAlgorithm("AES256").sseCustomerKey(b64)
                .sseCustomerKeyMD5(md5));
        assertMfaRequired(() -> thief.completeMultipartUpload(b -> b.bucket(bucket).key("doc").uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1)
                        .eTag(part.copyPartResult().eTag()).build()))));
        assertOriginalReadableWithoutAKey(bucket);
    }

    @Test
    void onAVersionedBucketAReEncryptedCopyOnlyAddsAVersion() {
        String bucket = bucket("Enabled");
        String original = root.headObject(b -> b.bucket(bucket).key("doc")).versionId();
        thief.copyObject(b -> underThiefsKey(b.sourceBucket(bucket).sourceKey("doc").destinationBucket(bucket)
                .destinationKey("doc")));
        assertS3Error(400, "InvalidRequest", () -> root.getObjectAsBytes(b -> b.bucket(bucket).key("doc")));
        assertEquals("the original", root.getObjectAsBytes(b -> b.bucket(bucket).key("doc").versionId(original))
                .asUtf8String(), "the owner's version is untouched and needs no key");
        // and removing the original still takes the code
        assertS3Error(403, "AccessDenied", () -> thief.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId(original)));
    }
}
