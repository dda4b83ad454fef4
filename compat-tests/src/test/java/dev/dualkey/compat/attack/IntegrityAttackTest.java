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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Issue 16's new request forms tried with stolen keys against MFA Delete:
 * <ul>
 *   <li>a conditional write (If-Match with the ETag the thief can read) over a Suspended + MFA Delete bucket's
 *       null version still needs the owner's code (PutObject and CompleteMultipartUpload);</li>
 *   <li>a conditional delete of a version still needs the code, and a delete refused by its If-Match does not
 *       spend the code it carried;</li>
 *   <li>server access logging cannot be aimed at a bucket the configurer may not write to: another account's
 *       bucket (InvalidTargetBucketForLogging), or, for an IAM user, a bucket or prefix its policy denies
 *       s3:PutObject on (AccessDenied), so logging is no path to writing, replacing or destroying anything.</li>
 * </ul>
 */
class IntegrityAttackTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client root;
    private static S3Client thief;
    private static MfaDevice device;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        device = MfaDevice.virtual(rootIam, server.clock(), "integrity-mfa", "root");
        thief = Clients.v2(gw, Iam.userAllowedEverything(rootIam, "integrity-mallory"));
    }

    @AfterAll
    static void stop() {
        thief.close();
        root.close();
        rootIam.close();
        server.close();
    }

    private static String suspendedProtectedBucket() {
        String bucket = "integrity-" + BUCKETS.incrementAndGet();
        root.createBucket(b -> b.bucket(bucket));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(device.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(device.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        return bucket;
    }

    @Test
    void conditionalWritesDoNotBypassMfaDelete() {
        String bucket = suspendedProtectedBucket();
        String etag = root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("original")).eTag();
        var put = assertS3Error(403, "AccessDenied", () -> thief.putObject(b -> b.bucket(bucket).key("doc")
                .ifMatch(etag), RequestBody.fromString("replaced")));
        assertEquals(Messages.MFA_REQUIRED, put.awsErrorDetails().errorMessage());
        String uploadId = thief.createMultipartUpload(b -> b.bucket(bucket).key("doc")).uploadId();
        String partEtag = thief.uploadPart(b -> b.bucket(bucket).key("doc").uploadId(uploadId).partNumber(1),
                RequestBody.fromString("replaced")).eTag();
        assertS3Error(403, "AccessDenied", () -> thief.completeMultipartUpload(b -> b.bucket(bucket).key("doc")
                .uploadId(uploadId).ifMatch(etag).multipartUpload(m -> m.parts(CompletedPart.builder()
                        .partNumber(1).eTag(partEtag).build()))));
        assertEquals("original", root.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());
    }

    @Test
    void conditionalDeleteNeedsTheCodeAndARefusedOneDoesNotSpendIt() {
        String bucket = suspendedProtectedBucket();
        String etag = root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("original")).eTag();
        assertS3Error(403, "AccessDenied", () -> thief.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId("null").ifMatch(etag)));
        String header = device.header();
        assertS3Error(412, "PreconditionFailed", () -> root.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId("null").ifMatch("\"0123456789abcdef0123456789abcdef\"").mfa(header)));
        assertEquals("original", root.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());
        // the same code still works: the precondition was checked before the code
        root.deleteObject(b -> b.bucket(bucket).key("doc").versionId("null").ifMatch(etag).mfa(header));
        assertS3Error(404, "NoSuchKey", () -> root.headObject(b -> b.bucket(bucket).key("doc")));
    }

    @Test
    void loggingCannotBeAimedWhereTheConfigurerMayNotWrite() {
        String source = "integrity-src-" + BUCKETS.incrementAndGet();
        String vault = "integrity-vault-" + BUCKETS.incrementAndGet();
        root.createBucket(b -> b.bucket(source));
        root.createBucket(b -> b.bucket(vault));
        // an IAM user allowed to configure logging, denied writing into the vault
        rootIam.createUser(b -> b.userName("integrity-logger"));
        rootIam.putUserPolicy(b -> b.userName("integrity-logger").policyName("p").policyDocument("""
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":"s3:*","Resource":"*"},
                 {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::%s/*"}]}""".formatted(vault)));
        CreateAccessKeyResponse k = rootIam.createAccessKey(b -> b.userName("integrity-logger"));
        try (S3Client logger = Clients.v2(gw, new AccessKey(k.accessKey().accessKeyId(),
                k.accessKey().secretAccessKey()))) {
            assertS3Error(403, "AccessDenied", () -> logger.putBucketLogging(b -> b.bucket(source)
                    .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket(vault).targetPrefix("x/")))));
        }
        try (S3Client other = Clients.v2(gw, gw.otherAccount())) {
            String theirs = "integrity-theirs-" + BUCKETS.incrementAndGet();
            other.createBucket(b -> b.bucket(theirs));
            assertS3Error(400, "InvalidTargetBucketForLogging", () -> other.putBucketLogging(b -> b.bucket(theirs)
                    .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket(vault).targetPrefix("")))));
        }
        assertEquals(0, root.listObjectsV2(b -> b.bucket(vault)).keyCount());
    }
}
