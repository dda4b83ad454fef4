package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.Messages;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Issue 12, finding 4 (decision D9): on a bucket with MFA Delete Enabled and versioning Suspended, a write over
 * an existing key replaces, so destroys, its {@code null} version. PutObject, CopyObject and
 * CompleteMultipartUpload used to do it without a code while a plain DELETE of the same version needed one (D2).
 * Replayed with a stolen root key and a stolen IAM user key, through SDK v2 and the aws CLI: each write is refused
 * (403 AccessDenied "Mfa Authentication must be used for this request") and the null version's bytes stay; with a
 * valid code from root's device it succeeds; writes of new keys need no code.
 */
class ProtectedOverwriteAttackTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client root;
    private static S3Client thief;
    private static AccessKey thiefKey;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
        thiefKey = Iam.userAllowedEverything(rootIam, "mallory");
        thief = Clients.v2(gw, thiefKey);
    }

    @AfterAll
    static void stop() {
        thief.close();
        root.close();
        rootIam.close();
        server.close();
    }

    /** A bucket with MFA Delete Enabled and versioning Suspended, holding {@code doc} as a null version. */
    private static String suspendedProtectedBucketWithNullVersion() {
        String bucket = "overwrite-" + BUCKETS.incrementAndGet();
        root.createBucket(b -> b.bucket(bucket));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("the original"));
        root.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("the attacker's bytes"));
        return bucket;
    }

    private static String read(String bucket, String key) {
        return root.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    private static void assertNullVersionUnchanged(String bucket) {
        assertEquals("the original", read(bucket, "doc"));
        List<ObjectVersion> docs = root.listObjectVersions(b -> b.bucket(bucket).prefix("doc")).versions();
        assertEquals(1, docs.size());
        assertEquals("null", docs.get(0).versionId());
    }

    private static void assertMfaRequired(Runnable write) {
        S3Exception e = assertS3Error(403, "AccessDenied", write::run);
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
    }

    private static String multipart(S3Client client, String bucket, String key, String body, String mfa) {
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        UploadPartResponse part = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString(body));
        client.completeMultipartUpload(b -> {
            b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(part.eTag()).build()));
            if (mfa != null) {
                b.overrideConfiguration(o -> o.putHeader("x-amz-mfa", mfa));
            }
        });
        return uploadId;
    }

    @Test
    void putObjectOverTheNullVersionNeedsRootsCode() {
        String bucket = suspendedProtectedBucketWithNullVersion();
        for (S3Client stolen : List.of(thief, root)) {
            assertMfaRequired(() -> stolen.putObject(b -> b.bucket(bucket).key("doc"),
                    RequestBody.fromString("overwritten")));
        }
        // an IAM user with some code is not the bucket owner (D8), before the code is looked at
        S3Exception e = assertS3Error(403, "AccessDenied", () -> thief.putObject(b -> b.bucket(bucket).key("doc")
                .overrideConfiguration(o -> o.putHeader("x-amz-mfa", rootDevice.header(rootDevice.wrongCode()))),
                RequestBody.fromString("overwritten")));
        assertEquals(Messages.OWNER_ONLY, e.awsErrorDetails().errorMessage());
        // a wrong code from root: 400 InvalidArgument, as for a DELETE (D3)
        assertS3Error(400, "InvalidArgument", () -> root.putObject(b -> b.bucket(bucket).key("doc")
                .overrideConfiguration(o -> o.putHeader("x-amz-mfa", rootDevice.header(rootDevice.wrongCode()))),
                RequestBody.fromString("overwritten")));
        assertNullVersionUnchanged(bucket);

        String header = rootDevice.header();
        root.putObject(b -> b.bucket(bucket).key("doc").overrideConfiguration(o -> o.putHeader("x-amz-mfa", header)),
                RequestBody.fromString("replaced by root"));
        assertEquals("replaced by root", read(bucket, "doc"));
        // the code was spent
        assertS3Error(400, "InvalidArgument", () -> root.putObject(b -> b.bucket(bucket).key("doc")
                .overrideConfiguration(o -> o.putHeader("x-amz-mfa", header)), RequestBody.fromString("again")));
        assertEquals("replaced by root", read(bucket, "doc"));
    }

    @Test
    void copyObjectOverTheNullVersionNeedsRootsCode() {
        String bucket = suspendedProtectedBucketWithNullVersion();
        for (S3Client stolen : List.of(thief, root)) {
            assertMfaRequired(() -> stolen.copyObject(b -> b.sourceBucket(bucket).sourceKey("src")
                    .destinationBucket(bucket).destinationKey("doc")));
        }
        assertNullVersionUnchanged(bucket);
        root.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket).destinationKey("doc")
                .overrideConfiguration(o -> o.putHeader("x-amz-mfa", rootDevice.header())));
        assertEquals("the attacker's bytes", read(bucket, "doc"));
    }

    @Test
    void completeMultipartUploadOverTheNullVersionNeedsRootsCode() {
        String bucket = suspendedProtectedBucketWithNullVersion();
        for (S3Client stolen : List.of(thief, root)) {
            assertMfaRequired(() -> multipart(stolen, bucket, "doc", "multipart overwrite", null));
        }
        assertNullVersionUnchanged(bucket);
        multipart(root, bucket, "doc", "multipart by root", rootDevice.header());
        assertEquals("multipart by root", read(bucket, "doc"));
    }

    @Test
    void newKeysNeedNoCode() {
        String bucket = suspendedProtectedBucketWithNullVersion();
        thief.putObject(b -> b.bucket(bucket).key("new-put"), RequestBody.fromString("fresh"));
        thief.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket)
                .destinationKey("new-copy"));
        multipart(thief, bucket, "new-multipart", "fresh parts", null);
        assertEquals("fresh", read(bucket, "new-put"));
        assertEquals("the attacker's bytes", read(bucket, "new-copy"));
        assertEquals("fresh parts", read(bucket, "new-multipart"));
        assertNullVersionUnchanged(bucket);
    }

    @Test
    void theAwsCliCannotOverwriteEither(@TempDir Path work) throws Exception {
        String bucket = suspendedProtectedBucketWithNullVersion();
        AwsCli aws = AwsCli.require(gw, work).as(thiefKey);
        Files.writeString(work.resolve("evil.txt"), "overwritten by the cli");
        assertCliMfaRequired(aws.run("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body",
                "evil.txt"), "PutObject");
        assertCliMfaRequired(aws.run("s3api", "copy-object", "--bucket", bucket, "--key", "doc", "--copy-source",
                bucket + "/src"), "CopyObject");
        // the upload and its part through the SDK (each CLI run costs seconds); the publish through the CLI
        String uploadId = thief.createMultipartUpload(b -> b.bucket(bucket).key("doc")).uploadId();
        String etag = thief.uploadPart(b -> b.bucket(bucket).key("doc").uploadId(uploadId).partNumber(1),
                RequestBody.fromString("overwritten by the cli")).eTag();
        Files.writeString(work.resolve("parts.json"), "{\"Parts\":[{\"PartNumber\":1,\"ETag\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(etag) + "}]}");
        assertCliMfaRequired(aws.run("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "doc",
                "--upload-id", uploadId, "--multipart-upload", "file://parts.json"), "CompleteMultipartUpload");
        assertNullVersionUnchanged(bucket);
        // and a new key goes through without a code
        aws.run("s3api", "put-object", "--bucket", bucket, "--key", "cli-new", "--body", "evil.txt")
                .assertSuccess();
        assertEquals("overwritten by the cli", read(bucket, "cli-new"));
    }

    private static void assertCliMfaRequired(AwsCli.Result r, String operation) {
        assertTrue(r.exitCode() != 0, "expected a failure: " + r.stdout());
        String line = r.stderr().lines().filter(l -> l.startsWith("An error occurred")).findFirst()
                .orElseThrow(() -> new AssertionError("no error line in: " + r.stderr() + r.stdout()));
        assertTrue(line.startsWith("An error occurred (AccessDenied) when calling the " + operation + " operation"),
                line);
        assertTrue(line.endsWith(": " + Messages.MFA_REQUIRED), line);
    }
}
